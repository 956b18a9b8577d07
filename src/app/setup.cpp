#include "app/setup.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "source/registry.hpp"

#include <charconv>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::app {

namespace {
constexpr const char* k_system_config = "/etc/snapshot-sync/snapshot-sync.toml";
}

std::optional<std::string> config_file_path(const CommonOptions& options) {
    if (options.config_file) return options.config_file;
    if (const char* env = std::getenv("SNAPSHOT_SYNC_CONFIG"); env && *env) return std::string(env);
    if (std::filesystem::exists(k_system_config)) return std::string(k_system_config);
    return std::nullopt;
}

config::LoadedConfig load_configuration(const CommonOptions& options) {
    // Errors while loading are printed by the top-level handler; log plainly until then.
    core::init_logging(core::LogFormat::Auto, core::LogLevel::Info);
    auto loaded = config::load_config(config_file_path(options), config::process_environment());
    if (options.log_format) config::set_from_command_line(loaded, "log.format", *options.log_format, "--log-format");
    if (options.log_level) config::set_from_command_line(loaded, "log.level", *options.log_level, "--log-level");
    core::init_logging(loaded.config.log_format, loaded.config.log_level);
    return loaded;
}

source::Shard resolve_shard(const std::optional<std::string>& shard, const std::optional<std::uint32_t>& shards) {
    if (shard && shards) throw core::UsageError("--shard and --shards: give one");
    if (shard) return source::Shard::parse(*shard, "--shard");
    if (!shards) return {};
    const char* index = std::getenv("JOB_COMPLETION_INDEX");
    if (index == nullptr || *index == '\0') {
        throw core::UsageError("--shards needs JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job); "
                               "elsewhere use --shard I/N");
    }
    return source::Shard::parse(fmt::format("{}/{}", index, *shards), "JOB_COMPLETION_INDEX with --shards");
}

std::unique_ptr<source::AccountSource> open_configured_source(const config::Config& config) {
    const auto url = config::DatabaseUrl::parse(config.database_url, "database.url");
    source::SourceOptions options;
    options.password = config::resolve_database_password(config);
    options.connect_timeout_seconds = config.database_connect_timeout;
    options.parallel_reads = static_cast<int>(config.parallel_reads);
    return source::open_source(url, options);
}

bool detect_billing(source::AccountSource& source, config::BillingMode mode) {
    switch (mode) {
        case config::BillingMode::Off:
            spdlog::info("billing.subscriptions = off: plan \"free\" and mrr 0 for every account");
            return false;
        case config::BillingMode::On:
            if (!source.has_table("account_subscriptions")) {
                throw core::DatabaseError(fmt::format(
                    "{}: billing.subscriptions = on, but there is no account_subscriptions table", source.describe()));
            }
            return true;
        case config::BillingMode::Auto: break;
    }
    if (source.has_table("account_subscriptions")) return true;
    spdlog::info("no account_subscriptions table (self-hosted Fizzy): plan \"free\" and mrr 0 for every account");
    return false;
}

}  // namespace ss::app
