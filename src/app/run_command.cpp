#include "app/commands.hpp"

#include "app/progress_line.hpp"
#include "app/setup.hpp"
#include "app/signals.hpp"
#include "app/version.hpp"
#include "checkpoint/store.hpp"
#include "config/database_url.hpp"
#include "core/error.hpp"
#include "message/group_message.hpp"
#include "pipeline/pipeline.hpp"
#include "report/run_report.hpp"
#include "sink/dry_run_sink.hpp"
#include "sink/segment/segment_sink.hpp"
#include "traits/traits.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::app {
namespace {

using checkpoint::Checkpoint;

// Saves the checkpoint each time the settled prefix grows.
class CheckpointRecorder final : public pipeline::SettlementListener {
public:
    CheckpointRecorder(checkpoint::CheckpointStore& store, Checkpoint& checkpoint)
        : m_store(store), m_checkpoint(checkpoint) {}

    void on_settled(const batch::Batch& batch, const sink::DeliveryReport&, const pipeline::Counters& totals) override {
        if (batch.watermark) m_checkpoint.watermark = batch.watermark;
        m_checkpoint.counters = totals;
        m_checkpoint.updated_at = core::now_utc();
        m_store.save(m_checkpoint);
    }

private:
    checkpoint::CheckpointStore& m_store;
    Checkpoint& m_checkpoint;
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

// Resume an unfinished snapshot, or start a new one.
Checkpoint plan_checkpoint(const std::optional<Checkpoint>& previous, const std::optional<core::Instant>& as_of,
                           const std::string& job, const source::Shard& shard, const std::string& source,
                           const std::string& where, core::Instant now) {
    if (previous && previous->job != job) {
        throw core::UsageError(fmt::format("{}: checkpoint belongs to job '{}', not '{}'", where, previous->job, job));
    }
    if (previous && previous->shard != shard.label()) {
        throw core::UsageError(
            fmt::format("{}: checkpoint belongs to shard {}, not {}", where, previous->shard, shard.label()));
    }
    if (previous && previous->state == Checkpoint::State::Running) {
        if (as_of && *as_of != previous->as_of) {
            throw core::UsageError(fmt::format(
                "--as-of {} conflicts with the unfinished snapshot as_of {} in {}; run without --as-of to resume it, "
                "or add --restart to abandon it",
                core::format_iso8601(*as_of), core::format_iso8601(previous->as_of), where));
        }
        if (!previous->source.empty() && previous->source != source) {
            spdlog::warn("{}: the unfinished snapshot was read from {}, now {}", where, previous->source, source);
        }
        Checkpoint resumed = *previous;
        resumed.source = source;
        return resumed;
    }
    Checkpoint fresh;
    fresh.job = job;
    fresh.shard = shard.label();
    fresh.source = source;
    fresh.as_of = as_of.value_or(now);
    fresh.started_at = now;
    fresh.updated_at = now;
    if (previous) {
        fresh.last_success_at = previous->last_success_at;
        fresh.last_full_at = previous->last_full_at;
    }
    return fresh;
}

sink::SinkFactory make_sinks(const config::Config& c, bool dry_run, const std::string& write_key,
                             std::shared_ptr<sink::RateLimiter>& limiter) {
    if (dry_run) return sink::dry_run_sink_factory(std::make_shared<sink::DryRunOutput>(stdout));
    if (!c.tls_verify) {
        spdlog::warn("segment.tls_verify = false: the Segment host's certificate is NOT checked");
    }
    limiter = std::make_shared<sink::RateLimiter>(c.messages_per_second, c.requests_per_second);
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
            return result.totals.failed > 0 ? Outcome{ExitStatus::AccountsFailed, "partial"}
                                            : Outcome{ExitStatus::Success, "completed"};
        case O::DeliveryFailed: return {ExitStatus::DeliveryFailed, "delivery_failed"};
        case O::SourceFailed: return {ExitStatus::DatabaseFailed, "database_failed"};
        case O::Interrupted: return {ExitStatus::Interrupted, "interrupted"};
    }
    return {ExitStatus::Internal, "internal_error"};
}

}  // namespace

ExitStatus run_command(const RunOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const core::Instant now = core::now_utc();
    auto loaded = load_configuration(options);
    if (options.changed_only) config::set_from_command_line(loaded, "run.changed_only", "true", "--changed-only");
    if (options.metrics_textfile) {
        config::set_from_command_line(loaded, "metrics.textfile", *options.metrics_textfile, "--metrics-textfile");
    }
    if (options.pushgateway) config::set_from_command_line(loaded, "metrics.pushgateway", *options.pushgateway, "--pushgateway");
    const config::Config& c = loaded.config;

    const source::Shard shard = resolve_shard(options.shard, options.shards);
    const std::vector<core::Uuid> only_accounts = parse_accounts(options.accounts);
    const std::optional<core::Instant> as_of_flag = parse_as_of(options.as_of, now);
    std::string write_key;
    if (!options.dry_run) {
        write_key = config::resolve_write_key(c);
        if (write_key.empty()) {
            throw core::UsageError("no Segment write key: set SEGMENT_WRITE_KEY or segment.write_key_file "
                                   "(or use --dry-run)");
        }
    }

    auto source = open_configured_source(c);
    const bool use_checkpoint = !options.dry_run && only_accounts.empty();
    std::unique_ptr<checkpoint::CheckpointStore> store;
    std::optional<Checkpoint> previous;
    if (use_checkpoint) {
        const std::string location = c.checkpoint.empty() ? checkpoint::default_checkpoint_location() : c.checkpoint;
        store = checkpoint::open_checkpoint_store(location, shard, c.job_name);
        if (!options.restart) previous = store->load();
    }
    Checkpoint cp = plan_checkpoint(previous, as_of_flag, c.job_name, shard, source->describe(),
                                    store ? store->describe() : "", now);
    const bool resumed = previous && previous->state == Checkpoint::State::Running && !options.restart;

    source->begin_snapshot();
    const bool billing = detect_billing(*source, c.billing);
    const source::SnapshotQuery query{cp.as_of, shard, billing};
    const std::int64_t eligible = only_accounts.empty() ? source->count_eligible(query)
                                                         : static_cast<std::int64_t>(only_accounts.size());
    spdlog::info("{} snapshot as_of {} of {} (shard {}): {} eligible accounts{}", resumed ? "resuming" : "starting",
                 core::format_iso8601(cp.as_of), source->describe(), shard.label(), eligible,
                 resumed && cp.watermark ? fmt::format(", continuing after {}", cp.watermark->to_base36()) : "");

    const traits::TraitMapper mapper(c.prices, c.identity, c.anonymous_id, billing);
    const message::GroupMessageEncoder encoder(cp.as_of, c.job_name, k_version);
    std::shared_ptr<sink::RateLimiter> limiter;
    auto sinks = make_sinks(c, options.dry_run, write_key, limiter);

    pipeline::PipelineSettings settings;
    settings.chunk_size = static_cast<std::size_t>(c.chunk_size);
    settings.senders = options.dry_run ? 1 : static_cast<std::size_t>(c.in_flight);
    settings.reconnect_attempts = c.reconnect_attempts;
    settings.limits = {static_cast<std::size_t>(c.batch_size), static_cast<std::size_t>(c.max_batch_bytes),
                       static_cast<std::size_t>(c.max_message_bytes)};
    settings.resume_after = resumed ? cp.watermark : std::nullopt;
    settings.only_accounts = only_accounts;
    settings.initial = resumed ? cp.counters : pipeline::Counters{};

    pipeline::Pipeline pipeline(*source, query, mapper, encoder, sinks, settings);
    std::optional<CheckpointRecorder> recorder;
    if (use_checkpoint) {
        store->save(cp);  // the snapshot's as_of is durable before anything is sent
        recorder.emplace(*store, cp);
        pipeline.set_listener(&*recorder);
    }
    ProgressLine progress(eligible, options.dry_run);
    pipeline.set_tick([&](const pipeline::Counters& totals) { progress.update(totals); });

    const pipeline::PipelineResult result = pipeline.run(&stop_requested);
    progress.finish();
    if (result.outcome != pipeline::PipelineResult::Outcome::SourceFailed) {
        try {
            source->end_snapshot();
        } catch (const core::Error& e) {
            spdlog::warn("{}", e.what());  // everything was read; closing the read transaction is not news
        }
    }

    const Outcome outcome = outcome_of(result);
    const bool completed = result.outcome == pipeline::PipelineResult::Outcome::Completed;
    if (use_checkpoint && completed) {
        cp.state = Checkpoint::State::Finished;
        cp.updated_at = core::now_utc();
        cp.last_success_at = cp.updated_at;
        cp.counters = result.totals;
        store->save(cp);
    }

    report::RunReport r;
    r.status = outcome.label;
    r.exit_status = to_int(outcome.status);
    r.reason = result.reason;
    r.dry_run = options.dry_run;
    r.resumed = resumed;
    r.changed_only = c.changed_only;
    r.as_of = core::format_iso8601(cp.as_of);
    r.shard = shard.label();
    r.source = source->describe();
    r.destination = options.dry_run ? "stdout" : c.segment_host;
    r.eligible = eligible;
    r.totals = result.totals;
    r.accounts_read = result.accounts_read;
    r.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto sent_here = result.totals.sent - settings.initial.sent;
    r.messages_per_second = r.duration_seconds > 0 ? static_cast<double>(sent_here) / r.duration_seconds : 0;
    r.failures = result.failures;
    r.failures_not_listed = result.failures_not_listed;
    r.last_success_at = cp.last_success_at;
    r.finished_at = core::now_utc();

    for (const auto& line : report::human_summary(r)) {
        if (outcome.status == ExitStatus::Success) {
            spdlog::info("{}", line);
        } else {
            spdlog::warn("{}", line);
        }
    }
    if (options.report_file) report::write_file_atomically(*options.report_file, report::to_json(r));
    return outcome.status;
}

}  // namespace ss::app
