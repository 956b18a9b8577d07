#include "app/commands.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "demo/generator.hpp"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::app {

ExitStatus demo_command(const DemoOptions& options) {
    core::init_logging(core::LogFormat::Auto, core::LogLevel::Info);
    demo::DemoOptions demo;
    demo.accounts = options.accounts;
    demo.seed = options.seed;
    demo.subscriptions = !options.self_hosted;
    demo.invalid_utf8_names = !options.no_invalid_utf8;
    demo.now = core::now_utc();
    if (options.now) {
        auto now = core::parse_iso8601(*options.now);
        if (!now) throw core::UsageError(fmt::format("--now: '{}' is not an ISO 8601 UTC time", *options.now));
        demo.now = *now;
    }
    const auto started = std::chrono::steady_clock::now();
    auto writer = demo::open_demo_writer(options.target);
    const auto stats = demo::generate(demo, *writer);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("wrote {} accounts ({} rows, seed {}, now {}) to {} in {:.1f} s", demo.accounts, stats.rows, demo.seed,
                 core::format_iso8601(demo.now), options.target, seconds);
    return ExitStatus::Success;
}

}  // namespace ss::app
