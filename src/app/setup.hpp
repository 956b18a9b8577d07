#pragma once
// What run and validate share: configuration from file, environment and
// flags; logging; the shard; the source; billing detection.

#include "app/commands.hpp"
#include "config/config.hpp"
#include "source/shard.hpp"
#include "source/source.hpp"

#include <memory>
#include <optional>
#include <string>

namespace ss::app {

// --config, else $SNAPSHOT_SYNC_CONFIG, else /etc/snapshot-sync/snapshot-sync.toml when it exists.
std::optional<std::string> config_file_path(const CommonOptions& options);

// Loads the configuration, applies the logging flags, starts logging.
config::LoadedConfig load_configuration(const CommonOptions& options);

// --shard I/N, or --shards N with I from $JOB_COMPLETION_INDEX (Kubernetes Indexed Job).
source::Shard resolve_shard(const std::optional<std::string>& shard, const std::optional<std::uint32_t>& shards);

std::unique_ptr<source::AccountSource> open_configured_source(const config::Config& config);

// Whether plans come from account_subscriptions (SPEC §3 Billing).
bool detect_billing(source::AccountSource& source, config::BillingMode mode);

}  // namespace ss::app
