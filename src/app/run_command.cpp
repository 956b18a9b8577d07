#include "app/commands.hpp"

#include "app/progress_line.hpp"
#include "app/setup.hpp"
#include "app/signals.hpp"
#include "app/version.hpp"
#include "checkpoint/store.hpp"
#include "core/error.hpp"
#include "core/secrets.hpp"
#include "message/group_message.hpp"
#include "pipeline/pipeline.hpp"
#include "report/metrics.hpp"
#include "report/run_report.hpp"
#include "sink/dry_run_sink.hpp"
#include "sink/segment/segment_sink.hpp"
#include "traits/traits.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::app {
namespace {

using checkpoint::Checkpoint;
using Clock = std::chrono::steady_clock;

// Saves the checkpoint, with the fingerprints of what was acknowledged,
// each time the settled prefix grows.
class CheckpointRecorder final : public pipeline::SettlementListener {
public:
    CheckpointRecorder(checkpoint::CheckpointStore& store, Checkpoint& checkpoint)
        : m_store(store), m_checkpoint(checkpoint) {}

    void on_settled(const batch::Batch& batch, const sink::DeliveryReport& report,
                    const pipeline::Counters& totals) override {
        if (batch.watermark) m_checkpoint.watermark = batch.watermark;
        m_checkpoint.counters = totals;
        m_checkpoint.updated_at = core::now_utc();
        m_store.commit(m_checkpoint, acknowledged(batch, report));
    }

private:
    // Delivered messages and unchanged accounts, ascending; refused ones are
    // left out, so the next run sends them again.
    static std::vector<checkpoint::FingerprintRecord> acknowledged(const batch::Batch& batch,
                                                                   const sink::DeliveryReport& report) {
        std::set<core::Uuid> refused;
        for (const auto& r : report.rejected) refused.insert(r.account);
        std::vector<checkpoint::FingerprintRecord> records;
        records.reserve(batch.messages.size() + batch.unchanged.size());
        for (const auto& m : batch.messages) {
            if (!refused.contains(m.account)) records.push_back({m.account, m.fingerprint});
        }
        for (const auto& u : batch.unchanged) records.push_back({u.account, u.fingerprint});
        std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.account < b.account; });
        return records;
    }

    checkpoint::CheckpointStore& m_store;
    Checkpoint& m_checkpoint;
};

// --changed-only: an account is skipped when the last finished snapshot
// recorded exactly this fingerprint for it.
class FingerprintFilter final : public pipeline::ChangeFilter {
public:
    explicit FingerprintFilter(std::unique_ptr<checkpoint::FingerprintCursor> cursor) : m_cursor(std::move(cursor)) {}
    bool unchanged(const core::Uuid& account, std::uint64_t fingerprint) override {
        return m_cursor->find(account) == fingerprint;
    }

private:
    std::unique_ptr<checkpoint::FingerprintCursor> m_cursor;
};

std::vector<core::Uuid> parse_accounts(const std::vector<std::string>& texts) {
    std::vector<core::Uuid> ids;
    for (const auto& text : texts) {
        auto id = core::Uuid::parse(text);
        if (!id) throw core::UsageError(fmt::format("--account: '{}' is not an account id (base 36 or hex)", text));
        ids.push_back(*id);
    }
    return ids;
}

std::optional<core::Instant> parse_as_of(const std::optional<std::string>& text, core::Instant now) {
    if (!text) return std::nullopt;
    auto as_of = core::parse_iso8601(*text);
    if (!as_of) {
        throw core::UsageError(fmt::format("--as-of: '{}' is not an ISO 8601 UTC time (e.g. 2026-12-03T00:00:00Z)", *text));
    }
    if (*as_of > now) throw core::UsageError(fmt::format("--as-of: {} is in the future", core::format_iso8601(*as_of)));
    return as_of;
}

sink::SinkFactory make_sinks(const config::Config& c, bool dry_run, const std::string& write_key) {
    if (dry_run) return sink::dry_run_sink_factory(std::make_shared<sink::DryRunOutput>(stdout));
    if (!c.tls_verify) spdlog::warn("segment.tls_verify = false: the Segment host's certificate is NOT checked");
    auto limiter = std::make_shared<sink::RateLimiter>(c.messages_per_second, c.requests_per_second);
    sink::SegmentEndpoint endpoint{c.segment_host, write_key, c.connect_timeout, c.request_timeout, c.tls_verify,
                                   fmt::format("snapshot-sync/{}", k_version)};
    sink::SegmentSinkSettings settings;
    settings.max_retries = static_cast<unsigned>(c.max_retries);
    settings.gzip = c.gzip;
    settings.backoff.base = std::chrono::milliseconds(static_cast<std::int64_t>(c.backoff_initial * 1000));
    settings.backoff.cap = std::chrono::milliseconds(static_cast<std::int64_t>(c.backoff_max * 1000));
    return sink::segment_sink_factory(endpoint, settings, limiter);
}

struct Outcome {
    ExitStatus status;
    std::string label;
};

Outcome outcome_of(const pipeline::PipelineResult& result) {
    using O = pipeline::PipelineResult::Outcome;
    switch (result.outcome) {
        case O::Completed:
            return result.totals.not_sent() > 0 ? Outcome{ExitStatus::AccountsFailed, "partial"}
                                                : Outcome{ExitStatus::Success, "completed"};
        case O::DeliveryFailed: return {ExitStatus::DeliveryFailed, "delivery_failed"};
        case O::SourceFailed: return {ExitStatus::DatabaseFailed, "database_failed"};
        case O::Interrupted: return {ExitStatus::Interrupted, "interrupted"};
    }
    return {ExitStatus::Internal, "internal_error"};
}

std::string label_for(ExitStatus status) {
    switch (status) {
        case ExitStatus::Usage: return "usage_error";
        case ExitStatus::Locked: return "locked";
        case ExitStatus::DatabaseFailed: return "database_failed";
        case ExitStatus::DeliveryFailed: return "delivery_failed";
        default: return "internal_error";
    }
}

void set_duration(report::RunReport& r, Clock::time_point started) {
    r.duration_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    r.messages_per_second = r.duration_seconds > 0 ? static_cast<double>(r.sent_by_this_run) / r.duration_seconds : 0;
}

// One invocation of `snapshot-sync run`, step by step.
class Run {
public:
    Run(const RunOptions& options, const config::Config& config, core::Instant now, Clock::time_point started)
        : m_options(options), m_config(config), m_now(now), m_started(started) {}

    ExitStatus execute(report::RunReport& report) {
        prepare();
        report.shard = m_shard.label();
        report.dry_run = m_options.dry_run;
        report.destination = m_options.dry_run ? "stdout" : m_config.segment_host;
        m_source = open_configured_source(m_config);
        report.source = m_source->describe();
        open_state();
        report.as_of = core::format_iso8601(m_checkpoint.as_of);
        report.resumed = m_resumed;
        report.changed_only = m_checkpoint.changed_only;
        report.last_success_at = m_checkpoint.last_success_at;

        m_source->begin_snapshot();
        const bool billing = detect_billing(*m_source, m_config.billing);
        const source::SnapshotQuery query{m_checkpoint.as_of, m_shard, billing};
        report.eligible = m_only_accounts.empty() ? m_source->count_eligible(query)
                                                  : static_cast<std::int64_t>(m_only_accounts.size());
        spdlog::info("{} snapshot as_of {} of {} (shard {}): {} eligible accounts{}{}",
                     m_resumed ? "resuming" : "starting", core::format_iso8601(m_checkpoint.as_of),
                     m_source->describe(), m_shard.label(), report.eligible,
                     m_checkpoint.changed_only ? ", sending only changed ones" : "",
                     m_resumed && m_checkpoint.watermark
                         ? fmt::format(", continuing after {}", m_checkpoint.watermark->to_base36())
                         : "");

        const auto result = send(query, report.eligible);
        finish(result, report);
        return static_cast<ExitStatus>(report.exit_status);
    }

private:
    void prepare() {
        m_shard = resolve_shard(m_options.shard, m_options.shards);
        m_only_accounts = parse_accounts(m_options.accounts);
        m_as_of_flag = parse_as_of(m_options.as_of, m_now);
        if (m_options.full && m_options.changed_only) throw core::UsageError("--full and --changed-only: give one");
        if (!m_options.dry_run) {
            m_write_key = config::resolve_write_key(m_config);
            if (m_write_key.empty()) {
                throw core::UsageError("no Segment write key: set SEGMENT_WRITE_KEY or segment.write_key_file "
                                       "(or use --dry-run)");
            }
        }
    }

    checkpoint::StoreOptions store_options(checkpoint::Access access) const {
        return {access, config::resolve_checkpoint_password(m_config), m_config.database_connect_timeout};
    }

    std::string location() const {
        return m_config.checkpoint.empty() ? checkpoint::default_checkpoint_location() : m_config.checkpoint;
    }

    // The checkpoint decides the snapshot: resume an unfinished one, or start anew.
    void open_state() {
        const bool targeted = !m_only_accounts.empty();
        if (m_options.dry_run || targeted) {
            m_checkpoint = fresh_checkpoint(std::nullopt);
            // A dry run may preview change detection from the state, read-only.
            if (m_options.dry_run && !targeted && m_checkpoint.changed_only) {
                m_store = checkpoint::open_checkpoint_store(location(), m_shard, m_config.job_name,
                                                            store_options(checkpoint::Access::ReadOnly));
            }
            return;
        }
        m_store = checkpoint::open_checkpoint_store(location(), m_shard, m_config.job_name,
                                                    store_options(checkpoint::Access::ReadWrite));
        std::optional<Checkpoint> previous = m_store->load();
        check_ownership(previous);
        if (previous && previous->state == Checkpoint::State::Running && !m_options.restart) {
            if (m_as_of_flag && *m_as_of_flag != previous->as_of) {
                throw core::UsageError(fmt::format(
                    "--as-of {} conflicts with the unfinished snapshot as_of {} in {}; run without --as-of to resume "
                    "it, or add --restart to abandon it",
                    core::format_iso8601(*m_as_of_flag), core::format_iso8601(previous->as_of), m_store->describe()));
            }
            if (!previous->source.empty() && previous->source != m_source->describe()) {
                spdlog::warn("{}: the unfinished snapshot was read from {}, now {}", m_store->describe(),
                             previous->source, m_source->describe());
            }
            m_checkpoint = *previous;
            m_checkpoint.source = m_source->describe();
            m_resumed = true;
        } else {
            m_checkpoint = fresh_checkpoint(previous);
        }
    }

    void check_ownership(const std::optional<Checkpoint>& previous) const {
        if (previous && previous->job != m_config.job_name) {
            throw core::UsageError(fmt::format("{}: checkpoint belongs to job '{}', not '{}'", m_store->describe(),
                                               previous->job, m_config.job_name));
        }
        if (previous && previous->shard != m_shard.label()) {
            throw core::UsageError(fmt::format("{}: checkpoint belongs to shard {}, not {}", m_store->describe(),
                                               previous->shard, m_shard.label()));
        }
    }

    Checkpoint fresh_checkpoint(const std::optional<Checkpoint>& previous) const {
        Checkpoint fresh;
        fresh.job = m_config.job_name;
        fresh.shard = m_shard.label();
        fresh.source = m_source->describe();
        fresh.as_of = m_as_of_flag.value_or(m_now);
        fresh.started_at = m_now;
        fresh.updated_at = m_now;
        if (previous) {
            fresh.last_success_at = previous->last_success_at;
            fresh.last_full_at = previous->last_full_at;
        }
        fresh.changed_only = wants_changed_only(fresh.last_full_at);
        return fresh;
    }

    // --changed-only (or run.changed_only), unless --full or a periodic full refresh is due.
    bool wants_changed_only(const std::optional<core::Instant>& last_full) const {
        const bool requested = m_options.changed_only || m_config.changed_only;
        if (!requested || m_options.full || !m_only_accounts.empty()) return false;
        if (m_config.full_every_days > 0) {
            const auto due = std::chrono::days{m_config.full_every_days};
            if (!last_full || m_now - *last_full >= due) {
                spdlog::info("run.full_every_days = {}: a full snapshot is due, sending every account",
                             m_config.full_every_days);
                return false;
            }
        }
        return true;
    }

    pipeline::PipelineResult send(const source::SnapshotQuery& query, std::int64_t eligible) {
        const traits::TraitMapper mapper(m_config.prices, m_config.identity, m_config.anonymous_id, query.read_plans);
        const message::GroupMessageEncoder encoder(m_checkpoint.as_of, m_config.job_name, k_version);
        pipeline::PipelineSettings settings;
        settings.chunk_size = static_cast<std::size_t>(m_config.chunk_size);
        settings.senders = m_options.dry_run ? 1 : static_cast<std::size_t>(m_config.in_flight);
        settings.reconnect_attempts = m_config.reconnect_attempts;
        settings.limits = {static_cast<std::size_t>(m_config.batch_size), static_cast<std::size_t>(m_config.max_batch_bytes),
                           static_cast<std::size_t>(m_config.max_message_bytes)};
        settings.resume_after = m_resumed ? m_checkpoint.watermark : std::nullopt;
        settings.only_accounts = m_only_accounts;
        settings.initial = m_resumed ? m_checkpoint.counters : pipeline::Counters{};
        m_initial_sent = settings.initial.sent;

        pipeline::Pipeline pipeline(*m_source, query, mapper, encoder, make_sinks(m_config, m_options.dry_run, m_write_key),
                                    settings);
        std::optional<FingerprintFilter> filter;
        if (m_checkpoint.changed_only && m_store) {
            filter.emplace(m_store->acknowledged_fingerprints(settings.resume_after));
            pipeline.set_change_filter(&*filter);
        }
        std::optional<CheckpointRecorder> recorder;
        if (m_store && !m_options.dry_run) {
            m_store->begin(m_checkpoint, m_resumed);  // as_of is durable before anything is sent
            recorder.emplace(*m_store, m_checkpoint);
            pipeline.set_listener(&*recorder);
        }
        ProgressLine progress(eligible, m_options.dry_run);
        pipeline.set_tick([&](const pipeline::Counters& totals) { progress.update(totals); });
        auto result = pipeline.run(&stop_requested);
        progress.finish();
        if (result.outcome != pipeline::PipelineResult::Outcome::SourceFailed) {
            try {
                m_source->end_snapshot();
            } catch (const core::Error& e) {
                spdlog::warn("{}", e.what());  // everything was read; closing the read transaction is not news
            }
        }
        return result;
    }

    void finish(const pipeline::PipelineResult& result, report::RunReport& r) {
        const Outcome outcome = outcome_of(result);
        const bool completed = result.outcome == pipeline::PipelineResult::Outcome::Completed;
        if (m_store && !m_options.dry_run && completed) {
            m_checkpoint.state = Checkpoint::State::Finished;
            m_checkpoint.updated_at = core::now_utc();
            m_checkpoint.last_success_at = m_checkpoint.updated_at;
            if (!m_checkpoint.changed_only) m_checkpoint.last_full_at = m_checkpoint.updated_at;
            m_checkpoint.counters = result.totals;
            m_store->finish(m_checkpoint);
        }
        r.status = outcome.label;
        r.exit_status = to_int(outcome.status);
        r.reason = result.reason;
        r.totals = result.totals;
        r.accounts_read = result.accounts_read;
        r.sent_by_this_run = result.totals.sent - m_initial_sent;
        r.failures = result.failures;
        r.failures_not_listed = result.failures_not_listed;
        r.last_success_at = m_checkpoint.last_success_at;
        set_duration(r, m_started);
        for (const auto& line : report::human_summary(r)) {
            if (outcome.status == ExitStatus::Success) {
                spdlog::info("{}", line);
            } else {
                spdlog::warn("{}", line);
            }
        }
    }

    const RunOptions& m_options;
    const config::Config& m_config;
    const core::Instant m_now;
    const Clock::time_point m_started;
    source::Shard m_shard;
    std::vector<core::Uuid> m_only_accounts;
    std::optional<core::Instant> m_as_of_flag;
    std::string m_write_key;
    std::unique_ptr<source::AccountSource> m_source;
    std::unique_ptr<checkpoint::CheckpointStore> m_store;
    Checkpoint m_checkpoint;
    bool m_resumed = false;
    std::int64_t m_initial_sent = 0;
};

// The report file and metrics, written whatever the outcome.
void publish(const RunOptions& options, const config::Config& c, report::RunReport& r) {
    r.finished_at = core::now_utc();
    if (options.report_file) report::write_file_atomically(*options.report_file, report::to_json(r));
    if (!c.metrics_textfile.empty()) report::write_metrics_textfile(c.metrics_textfile, r);
    if (!c.pushgateway.empty()) {
        try {
            report::push_metrics(c.pushgateway, c.job_name, r);
        } catch (const core::Error& e) {
            spdlog::warn("{}", e.what());  // monitoring trouble does not change what the run did
        }
    }
}

}  // namespace

ExitStatus run_command(const RunOptions& options) {
    const auto started = Clock::now();
    const core::Instant now = core::now_utc();
    auto loaded = load_configuration(options);
    if (options.changed_only) config::set_from_command_line(loaded, "run.changed_only", "true", "--changed-only");
    if (options.metrics_textfile) {
        config::set_from_command_line(loaded, "metrics.textfile", *options.metrics_textfile, "--metrics-textfile");
    }
    if (options.pushgateway) config::set_from_command_line(loaded, "metrics.pushgateway", *options.pushgateway, "--pushgateway");
    const config::Config& c = loaded.config;

    report::RunReport r;
    r.shard = "0/1";
    r.dry_run = options.dry_run;
    Run run(options, c, now, started);
    try {
        const ExitStatus status = run.execute(r);
        publish(options, c, r);
        return status;
    } catch (const core::Error& e) {
        // The run could not start or went wrong outside the pipeline: still say so in the report and metrics.
        const ExitStatus status = exit_status_for(e.kind());
        r.status = label_for(status);
        r.exit_status = to_int(status);
        r.reason = core::redact(e.what());
        set_duration(r, started);
        try {
            publish(options, c, r);
        } catch (const core::Error& inner) {
            spdlog::warn("{}", inner.what());
        }
        throw;
    }
}

}  // namespace ss::app
