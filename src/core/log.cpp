#include "core/log.hpp"

#include "core/secrets.hpp"

#include <unistd.h>

#include <memory>

#include <nlohmann/json.hpp>
#include <spdlog/fmt/chrono.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace ss::core {
namespace {

std::string_view level_name(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace: return "trace";
        case spdlog::level::debug: return "debug";
        case spdlog::level::info: return "info";
        case spdlog::level::warn: return "warn";
        case spdlog::level::err: return "error";
        case spdlog::level::critical: return "critical";
        default: return "off";
    }
}

// {"time":"...","level":"info","msg":"..."}: one object per line.
class JsonFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const auto millis = std::chrono::time_point_cast<std::chrono::milliseconds>(msg.time);
        const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(millis);
        nlohmann::ordered_json line;
        line["time"] = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", secs, (millis - secs).count());
        line["level"] = level_name(msg.level);
        line["msg"] = redact(std::string_view(msg.payload.data(), msg.payload.size()));
        const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        dest.append(text.data(), text.data() + text.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// "snapshot-sync: info: ..." with the secrets taken out.
class TextFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string text =
            fmt::format("snapshot-sync: {}: {}\n", level_name(msg.level),
                        redact(std::string_view(msg.payload.data(), msg.payload.size())));
        dest.append(text.data(), text.data() + text.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<TextFormatter>(); }
};

spdlog::level::level_enum to_spdlog(LogLevel level) {
    switch (level) {
        case LogLevel::Debug: return spdlog::level::debug;
        case LogLevel::Info: return spdlog::level::info;
        case LogLevel::Warn: return spdlog::level::warn;
        case LogLevel::Error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

}  // namespace

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void init_logging(LogFormat format, LogLevel level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    const bool json = format == LogFormat::Json || (format == LogFormat::Auto && !stderr_is_terminal());
    if (json) {
        sink->set_formatter(std::make_unique<JsonFormatter>());
    } else {
        sink->set_formatter(std::make_unique<TextFormatter>());
    }
    auto logger = std::make_shared<spdlog::logger>("snapshot-sync", sink);
    logger->set_level(to_spdlog(level));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

}  // namespace ss::core
