#pragma once
// The subcommands of snapshot-sync. cli.cpp parses arguments into these
// option structs; each command returns the process's exit status and lets
// core::Error escape to the one handler in cli.cpp.

#include "app/exit_status.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ss::app {

struct CommonOptions {
    std::optional<std::string> config_file;
    std::optional<std::string> log_format;
    std::optional<std::string> log_level;
};

struct RunOptions : CommonOptions {
    bool dry_run = false;
    std::optional<std::string> as_of;
    std::optional<std::string> shard;       // "I/N"
    std::optional<std::uint32_t> shards;    // N, with I from JOB_COMPLETION_INDEX
    std::vector<std::string> accounts;      // --account, base 36 or hex
    bool restart = false;
    std::optional<std::string> report_file;
    bool changed_only = false;
    bool full = false;
    std::optional<std::string> metrics_textfile;
    std::optional<std::string> pushgateway;
};

struct ValidateOptions : CommonOptions {
    std::optional<std::string> shard;
    std::optional<std::uint32_t> shards;
};

struct DemoOptions {
    std::string target;  // path or database URL
    std::int64_t accounts = 1000;
    std::uint64_t seed = 1;
    std::optional<std::string> now;
    bool self_hosted = false;  // no account_subscriptions table
    bool no_invalid_utf8 = false;
};

ExitStatus run_command(const RunOptions& options);
ExitStatus validate_command(const ValidateOptions& options);
ExitStatus demo_command(const DemoOptions& options);
ExitStatus show_config_command(const CommonOptions& options);

}  // namespace ss::app
