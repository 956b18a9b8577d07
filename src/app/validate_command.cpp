#include "app/commands.hpp"

#include "app/setup.hpp"
#include "checkpoint/store.hpp"
#include "core/error.hpp"
#include "core/time.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace ss::app {
namespace {

// Prints what it finds on stdout, one line per check, and remembers the
// first problem's exit status.
class Findings {
public:
    void ok(std::string_view what, const std::string& detail) { std::printf("ok       %-11s %s\n", std::string(what).c_str(), detail.c_str()); }
    void info(std::string_view what, const std::string& detail) { std::printf("         %-11s %s\n", std::string(what).c_str(), detail.c_str()); }
    void problem(std::string_view what, const std::string& detail, ExitStatus status) {
        std::printf("PROBLEM  %-11s %s\n", std::string(what).c_str(), detail.c_str());
        if (m_status == ExitStatus::Success) m_status = status;
    }
    ExitStatus status() const { return m_status; }

private:
    ExitStatus m_status = ExitStatus::Success;
};

std::string identity_text(const config::Config& c) {
    switch (c.identity) {
        case config::IdentityMode::System: return "userId = the account's system user (one billed MTU per account)";
        case config::IdentityMode::Owner: return "userId = the account's earliest active owner (falls back to system)";
        case config::IdentityMode::Anonymous: return "anonymousId = the fixed identity.anonymous_id";
    }
    return "?";
}

void check_checkpoint(Findings& f, const config::Config& c, const source::Shard& shard) {
    const std::string location = c.checkpoint.empty() ? checkpoint::default_checkpoint_location() : c.checkpoint;
    try {
        auto store = checkpoint::open_checkpoint_store(
            location, shard, c.job_name,
            {checkpoint::Access::ReadOnly, config::resolve_checkpoint_password(c), c.database_connect_timeout});
        const auto cp = store->load();
        if (!cp) {
            f.ok("checkpoint", store->describe() + ": none yet; a run starts a new snapshot");
        } else if (cp->state == checkpoint::Checkpoint::State::Running) {
            f.ok("checkpoint", fmt::format("{}: unfinished snapshot as_of {} ({} sent); a run resumes it",
                                           store->describe(), core::format_iso8601(cp->as_of), cp->counters.sent));
        } else {
            f.ok("checkpoint", fmt::format("{}: last snapshot as_of {} finished; a run starts a new one",
                                           store->describe(), core::format_iso8601(cp->as_of)));
        }
    } catch (const core::Error& e) {
        f.problem("checkpoint", e.what(), exit_status_for(e.kind()));
    }
}

}  // namespace

ExitStatus validate_command(const ValidateOptions& options) {
    Findings f;
    const auto path = config_file_path(options);
    const auto loaded = load_configuration(options);
    const config::Config& c = loaded.config;
    f.ok("config", path ? *path : "no file: built-in defaults and environment");
    const source::Shard shard = resolve_shard(options.shard, options.shards);

    try {
        auto source = open_configured_source(c);
        f.ok("database", source->describe() + ": connected");
        source->begin_snapshot();
        const bool billing = detect_billing(*source, c.billing);
        const auto missing = source->missing_columns(source::required_schema(billing));
        if (missing.empty()) {
            f.ok("schema", "every table and column the SQL reads is there");
        } else {
            std::string list;
            for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
            f.problem("schema", "missing: " + list, ExitStatus::DatabaseFailed);
        }
        std::string prices;
        for (const auto& [plan, cents] : c.prices) prices += fmt::format("{}{}={}", prices.empty() ? "" : ", ", plan, cents);
        f.ok("billing", billing ? "plan from account_subscriptions; prices (cents): " + prices
                                : "no subscriptions: plan \"free\", mrr 0");
        if (missing.empty()) {
            const core::Instant now = core::now_utc();
            const auto eligible = source->count_eligible({now, shard, billing});
            f.ok("accounts", fmt::format("{} eligible as of {} (shard {})", eligible, core::format_iso8601(now),
                                         shard.label()));
            const auto batches = (eligible + c.batch_size - 1) / c.batch_size;
            const std::string pace = c.messages_per_second > 0
                                         ? fmt::format("at most {} messages/s: at least {:.0f} s", c.messages_per_second,
                                                       static_cast<double>(eligible) / c.messages_per_second)
                                         : "unpaced";
            f.info("a run", fmt::format("sends {} group() messages in about {} batches, {}", eligible, batches, pace));
        }
        source->end_snapshot();
    } catch (const core::Error& e) {
        f.problem("database", e.what(), exit_status_for(e.kind()));
    }

    f.ok("identity", identity_text(c));
    try {
        const std::string key = config::resolve_write_key(c);
        if (key.empty()) {
            f.problem("segment", c.segment_host + ": no write key (SEGMENT_WRITE_KEY or segment.write_key_file); "
                                                  "only --dry-run can run",
                      ExitStatus::Usage);
        } else {
            f.ok("segment", c.segment_host + ": write key set");
        }
    } catch (const core::Error& e) {
        f.problem("segment", e.what(), ExitStatus::Usage);
    }
    if (!c.tls_verify) f.problem("segment", "segment.tls_verify = false: certificates are not checked", ExitStatus::Usage);
    check_checkpoint(f, c, shard);
    return f.status();
}

}  // namespace ss::app
