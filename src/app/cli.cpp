#include "app/cli.hpp"

#include "app/commands.hpp"
#include "app/signals.hpp"
#include "app/version.hpp"
#include "checkpoint/store.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/secrets.hpp"
#include "sink/segment/curl_transport.hpp"
#include "source/registry.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::app {
namespace {

std::string version_text() {
    return fmt::format("snapshot-sync {}\ndatabase backends: {}\ncheckpoint stores: {}\n{}\n", k_version,
                       fmt::join(source::compiled_backends(), " "), checkpoint::compiled_checkpoint_stores(),
                       sink::curl_version_text());
}

std::string environment_help() {
    std::string text = "Environment (overrides the config file):\n";
    for (const auto& [var, key] : config::environment_variables()) text += fmt::format("  {:<38} {}\n", var, key);
    text += "  SNAPSHOT_SYNC_CONFIG                   the config file (default /etc/snapshot-sync/snapshot-sync.toml)\n";
    return text;
}

void add_common(CLI::App& cmd, CommonOptions& o) {
    cmd.add_option("-c,--config", o.config_file, "TOML config file");
    cmd.add_option("--log-format", o.log_format, "auto (text on a terminal, JSON lines otherwise), text or json");
    cmd.add_option("--log-level", o.log_level, "debug, info, warn or error");
}

int report_error(const std::string& message, ExitStatus status) {
    spdlog::error("{}", message);  // the logger redacts secrets
    return to_int(status);
}

}  // namespace

int main(int argc, char** argv) {
    core::init_logging(core::LogFormat::Auto, core::LogLevel::Info);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    install_signal_handlers();

    CLI::App app{"snapshot-sync: daily account traits from Fizzy's database to Segment group() calls", "snapshot-sync"};
    app.require_subcommand(1);
    app.footer(environment_help() + "\nExit status: see 'man snapshot-sync' or README.md.");
    app.set_version_flag("-V,--version", version_text());

    RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Read the database and send one group() per eligible account");
    add_common(*run_cmd, run);
    run_cmd->add_flag("-n,--dry-run", run.dry_run, "Write the messages to stdout (NDJSON); send nothing, no checkpoint");
    run_cmd->add_option("--as-of", run.as_of, "Snapshot instant, ISO 8601 UTC (default: now, or the unfinished checkpoint's)");
    run_cmd->add_option("--shard", run.shard, "Send only shard I of N (0-based, I/N)");
    run_cmd->add_option("--shards", run.shards, "N shards, I from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)");
    run_cmd->add_option("--account", run.accounts, "Only this account (base 36 or hex id); repeatable; no checkpoint");
    run_cmd->add_flag("--restart", run.restart, "Ignore an unfinished checkpoint and start a new snapshot");
    run_cmd->add_option("--report", run.report_file, "Write the run's outcome as JSON to FILE");
    run_cmd->add_flag("--changed-only", run.changed_only, "Send only accounts whose traits changed since acknowledged");
    run_cmd->add_flag("--full", run.full, "Send every account, even with run.changed_only");
    run_cmd->add_option("--metrics-textfile", run.metrics_textfile, "Write Prometheus metrics to PATH (node_exporter textfile)");
    run_cmd->add_option("--pushgateway", run.pushgateway, "Push Prometheus metrics to this Pushgateway URL");

    ValidateOptions validate;
    auto* validate_cmd = app.add_subcommand("validate", "Check config, database, schema and checkpoint; say what a run would do");
    add_common(*validate_cmd, validate);
    validate_cmd->add_option("--shard", validate.shard, "Shard I/N");
    validate_cmd->add_option("--shards", validate.shards, "N shards, I from JOB_COMPLETION_INDEX");

    DemoOptions demo;
    auto* demo_cmd = app.add_subcommand("demo-db", "Write a database of Fizzy-shaped demo data");
    demo_cmd->add_option("target", demo.target, "A new SQLite file, or a postgresql:// or mysql:// URL")->required();
    demo_cmd->add_option("--accounts", demo.accounts, "How many accounts")->check(CLI::Range(1, 10'000'000));
    demo_cmd->add_option("--seed", demo.seed, "Random seed (same seed and --now, same data)");
    demo_cmd->add_option("--now", demo.now, "Reference instant the data is shaped around (default: now)");
    demo_cmd->add_flag("--self-hosted", demo.self_hosted, "No account_subscriptions table (as self-hosted Fizzy)");
    demo_cmd->add_flag("--no-invalid-utf8", demo.no_invalid_utf8, "Only valid UTF-8 names (as MySQL and PostgreSQL enforce)");

    CommonOptions show;
    auto* config_cmd = app.add_subcommand("config", "Print the effective configuration and where each value came from");
    add_common(*config_cmd, show);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return report_error(fmt::format("{} (see --help)", e.what()), ExitStatus::Usage);
    }

    try {
        if (run_cmd->parsed()) return to_int(run_command(run));
        if (validate_cmd->parsed()) return to_int(validate_command(validate));
        if (demo_cmd->parsed()) return to_int(demo_command(demo));
        if (config_cmd->parsed()) return to_int(show_config_command(show));
    } catch (const core::Error& e) {
        return report_error(e.what(), exit_status_for(e.kind()));
    } catch (const std::exception& e) {
        return report_error(fmt::format("internal error: {}", e.what()), ExitStatus::Internal);
    }
    return to_int(ExitStatus::Usage);
}

}  // namespace ss::app
