#pragma once
// The whole configuration of a run. Every key is described once, in the
// table in config.cpp (name, environment variable, default, parser, whether
// it is secret); file parsing, environment overrides, validation and
// `snapshot-sync config` are all derived from that table.
//
// Precedence, lowest first: built-in default, TOML file, environment,
// command line.

#include "core/log.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ss::config {

enum class IdentityMode { System, Owner, Anonymous };
enum class BillingMode { Auto, On, Off };

struct Config {
    // [database]
    std::string database_url = "sqlite:storage/production.sqlite3";
    std::string database_password_file;
    std::int64_t chunk_size = 2000;
    std::int64_t reconnect_attempts = 3;
    std::int64_t parallel_reads = 2;
    double database_connect_timeout = 10.0;

    // [segment]
    std::string segment_host = "https://api.segment.io";
    std::string write_key;
    std::string write_key_file;
    std::int64_t batch_size = 2500;
    std::int64_t max_batch_bytes = 500'000;
    std::int64_t max_message_bytes = 32'768;
    std::int64_t in_flight = 2;
    double connect_timeout = 10.0;
    double request_timeout = 30.0;
    std::int64_t max_retries = 10;
    double backoff_initial = 0.5;  // seconds; doubles per retry
    double backoff_max = 60.0;     // seconds
    bool gzip = true;
    double messages_per_second = 500.0;
    double requests_per_second = 0.0;
    bool tls_verify = true;
    std::string job_name = "snapshot-sync";

    // [identity]
    IdentityMode identity = IdentityMode::System;
    std::string anonymous_id;

    // [billing]
    BillingMode billing = BillingMode::Auto;
    std::map<std::string, std::int64_t> prices{{"free", 0}, {"unlimited", 2000}, {"unlimited_extra_storage", 2500}};

    // [checkpoint]
    std::string checkpoint;  // empty: derived at run time (see default_checkpoint_location)
    std::string checkpoint_password_file;  // for a database store

    // [run]
    bool changed_only = false;
    std::int64_t full_every_days = 0;

    // [metrics]
    std::string metrics_textfile;
    std::string pushgateway;

    // [log]
    core::LogFormat log_format = core::LogFormat::Auto;
    core::LogLevel log_level = core::LogLevel::Info;
};

// Where a value came from, for `snapshot-sync config` and error lines.
struct Origin {
    enum class Kind { Default, File, Environment, CommandLine } kind = Kind::Default;
    std::string where;  // "path:line", "SEGMENT_HOST", "--as-of"
};

struct LoadedConfig {
    Config config;
    std::map<std::string, Origin> origins;  // by dotted key
};

using Environment = std::map<std::string, std::string>;

// The process environment, restricted to the variables the table knows.
Environment process_environment();

// Reads `file` (when given; a missing file is an error), then applies
// `env`, then validates. Throws core::UsageError with "path:line: message"
// or "VARIABLE: message".
LoadedConfig load_config(const std::optional<std::string>& file, const Environment& env);

// Applies a command-line value to a key (same parsing as the file) and
// re-validates. `flag` names the option in errors.
void set_from_command_line(LoadedConfig& loaded, const std::string& key, const std::string& value,
                           const std::string& flag);

// Cross-field checks (ranges, identity needs anonymous_id, ...).
void validate(const LoadedConfig& loaded);

// Reads the write key from segment.write_key or segment.write_key_file.
// Empty when neither is set. Registers it as a secret.
std::string resolve_write_key(const Config& config);

// Reads database.password_file when set (trailing newline dropped) and
// registers it as a secret; nullopt when unset.
std::optional<std::string> resolve_database_password(const Config& config);

// The same for checkpoint.password_file (a database state store).
std::optional<std::string> resolve_checkpoint_password(const Config& config);

// `snapshot-sync config`: every key, its value (secrets redacted) and origin.
std::vector<std::string> describe(const LoadedConfig& loaded);

// The documented environment variables, for --help and the man page.
std::vector<std::pair<std::string, std::string>> environment_variables();

}  // namespace ss::config
