#include "pipeline/pipeline.hpp"

#include "core/error.hpp"
#include "pipeline/bounded_queue.hpp"
#include "sink/segment/rate_limiter.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ss::pipeline {
namespace {

using namespace std::chrono_literals;

struct Completion {
    batch::Batch batch;
    sink::DeliveryReport report;
};

// The reader stops when the pipeline does: pushing into a stopped queue.
struct ReaderStopped {};

struct SourceFailure {
    std::string reason;
};

// One run's shared state; lives on the caller's stack for the run.
class Run {
public:
    Run(source::AccountSource& source, const source::SnapshotQuery& query, const traits::TraitMapper& mapper,
        const message::GroupMessageEncoder& encoder, const sink::SinkFactory& sinks, const PipelineSettings& settings,
        ChangeFilter* change_filter)
        : m_source(source),
          m_query(query),
          m_mapper(mapper),
          m_encoder(encoder),
          m_sinks(sinks),
          m_settings(settings),
          m_change_filter(change_filter),
          m_work(std::max<std::size_t>(settings.senders, 1)),
          m_done(std::numeric_limits<std::size_t>::max()) {}

    void start() {
        m_active_senders = std::max<std::size_t>(m_settings.senders, 1);
        for (std::size_t i = 0; i < m_active_senders; ++i) {
            // Sinks are made here, on the caller's thread: a bad host or key fails the run before anything is read.
            m_sender_sinks.push_back(m_sinks());
        }
        for (std::size_t i = 0; i < m_sender_sinks.size(); ++i) {
            m_threads.emplace_back([this, i] { send_loop(*m_sender_sinks[i]); });
        }
        m_threads.emplace_back([this] { read_loop(); });
    }

    // Also on the way out of an exception (a checkpoint that cannot be
    // written): threads blocked on a queue must be woken before joining.
    ~Run() {
        stop();
        join();
    }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    void stop() { m_stop.request_stop(); }

    std::optional<Completion> next_completion() { return m_done.pop_for(200ms); }
    bool finished() { return m_senders_finished.load(); }

    void join() {
        for (auto& t : m_threads) t.join();
        m_threads.clear();
    }

    std::optional<SourceFailure> source_failure() {
        std::lock_guard lock(m_mutex);
        return m_source_failure;
    }
    std::int64_t accounts_read() const { return m_accounts_read.load(); }

private:
    void read_loop() {
        batch::Batcher batcher(m_settings.limits, [this](batch::Batch&& b) {
            if (!m_work.push(std::move(b), m_stop.get_token())) throw ReaderStopped{};
        });
        try {
            if (m_settings.only_accounts.empty()) {
                read_all(batcher);
            } else {
                read_listed(batcher);
            }
            batcher.finish();
        } catch (const ReaderStopped&) {
        } catch (const std::exception& e) {
            {
                std::lock_guard lock(m_mutex);
                m_source_failure = SourceFailure{e.what()};
            }
            // What was read before the failure is good: send it, so the checkpoint covers it.
            try {
                batcher.finish();
            } catch (const ReaderStopped&) {
            }
        }
        m_work.close();
    }

    void read_all(batch::Batcher& batcher) {
        core::Uuid after = m_settings.resume_after.value_or(core::Uuid{});
        for (;;) {
            const auto rows = read_chunk(after, m_settings.chunk_size);
            for (const auto& row : rows) {
                process(row, batcher);
                after = row.id;
            }
            batcher.emit_progress();
            if (rows.size() < m_settings.chunk_size) return;
        }
    }

    void read_listed(batch::Batcher& batcher) {
        const std::set<core::Uuid> ids(m_settings.only_accounts.begin(), m_settings.only_accounts.end());
        for (const auto& id : ids) {
            const auto rows = read_chunk(id.predecessor(), 1);
            if (rows.empty() || rows.front().id != id) {
                batcher.fail({id, "no eligible account with this id (missing, cancelled, importing or created after as_of)"});
                continue;
            }
            process(rows.front(), batcher);
        }
    }

    // A chunk, reconnecting after a lost connection a bounded number of times.
    std::vector<source::AccountRow> read_chunk(const core::Uuid& after, std::size_t limit) {
        for (std::int64_t attempt = 0;; ++attempt) {
            try {
                if (attempt > 0) m_source.reconnect();
                return m_source.read_chunk(m_query, after, limit);
            } catch (const core::Error& e) {
                if (e.kind() != core::ErrorKind::ConnectionLost || attempt >= m_settings.reconnect_attempts) throw;
                spdlog::warn("{}; reconnecting ({} of {}), continuing after account {}", e.what(), attempt + 1,
                             m_settings.reconnect_attempts, after.to_base36());
                if (!sink::sleep_for(std::chrono::milliseconds(1000 * (attempt + 1)), m_stop.get_token())) {
                    throw ReaderStopped{};
                }
            }
        }
    }

    void process(const source::AccountRow& row, batch::Batcher& batcher) {
        ++m_accounts_read;
        auto mapped = m_mapper.map(row);
        if (auto* failure = std::get_if<traits::MappingFailure>(&mapped)) {
            batcher.fail({failure->account, std::move(failure->reason)});
            return;
        }
        auto& snapshot = std::get<traits::AccountSnapshot>(mapped);
        if (snapshot.unknown_plan && m_warned_plans.insert(snapshot.traits.plan).second) {
            spdlog::warn("plan '{}' is not in billing.prices: its accounts get mrr null", snapshot.traits.plan);
        }
        message::EncodedMessage encoded = m_encoder.encode(snapshot);
        if (batcher.limits().message_too_large(encoded)) {
            batcher.fail({row.id, fmt::format("message is {} bytes, over the {}-byte limit", encoded.json.size(),
                                              batcher.limits().max_message_bytes)});
            return;
        }
        if (m_change_filter != nullptr && m_change_filter->unchanged(row.id, encoded.fingerprint)) {
            batcher.skip_unchanged({row.id, encoded.fingerprint});
            return;
        }
        batcher.add(std::move(encoded), snapshot.unknown_plan);
    }

    void send_loop(sink::Sink& sink) {
        const auto stop = m_stop.get_token();
        while (auto batch = m_work.pop(stop)) {
            sink::DeliveryReport report;
            try {
                if (!batch->messages.empty()) report = sink.deliver(*batch, stop);
            } catch (const std::exception& e) {
                report.status = sink::DeliveryReport::Status::Failed;
                report.failure = e.what();
            }
            m_done.push({std::move(*batch), std::move(report)}, {});
        }
        if (--m_active_senders == 0) {
            m_senders_finished = true;
            m_done.close();
        }
    }

    source::AccountSource& m_source;
    const source::SnapshotQuery& m_query;
    const traits::TraitMapper& m_mapper;
    const message::GroupMessageEncoder& m_encoder;
    const sink::SinkFactory& m_sinks;
    const PipelineSettings& m_settings;
    ChangeFilter* m_change_filter;

    std::stop_source m_stop;
    BoundedQueue<batch::Batch> m_work;
    BoundedQueue<Completion> m_done;
    std::vector<std::unique_ptr<sink::Sink>> m_sender_sinks;
    std::vector<std::jthread> m_threads;
    std::atomic<std::size_t> m_active_senders{0};
    std::atomic<bool> m_senders_finished{false};
    std::atomic<std::int64_t> m_accounts_read{0};
    std::set<std::string> m_warned_plans;  // reader thread only

    std::mutex m_mutex;
    std::optional<SourceFailure> m_source_failure;
};

}  // namespace

Pipeline::Pipeline(source::AccountSource& source, source::SnapshotQuery query, const traits::TraitMapper& mapper,
                   const message::GroupMessageEncoder& encoder, sink::SinkFactory sinks, PipelineSettings settings)
    : m_source(source),
      m_query(std::move(query)),
      m_mapper(mapper),
      m_encoder(encoder),
      m_sinks(std::move(sinks)),
      m_settings(std::move(settings)) {}

PipelineResult Pipeline::run(const std::function<bool()>& should_stop) {
    PipelineResult result;
    result.totals = m_settings.initial;
    result.watermark = m_settings.resume_after;

    Run run(m_source, m_query, m_mapper, m_encoder, m_sinks, m_settings, m_change_filter);
    run.start();

    std::map<std::uint64_t, Completion> pending;  // completed, waiting for the batches before them
    std::uint64_t next = 0;
    bool stopping = false;  // no new work is started; what is being sent finishes and still settles
    bool blocked = false;   // batch `next` was not delivered: nothing after it can settle
    auto last_tick = std::chrono::steady_clock::now();

    auto record_failure = [&](const batch::AccountFailure& f) {
        if (result.failures.size() < k_listed_failures) {
            result.failures.push_back(f);
        } else {
            ++result.failures_not_listed;
        }
    };

    auto settle = [&](Completion& c) {
        const auto& b = c.batch;
        Counters& t = result.totals;
        t.sent += static_cast<std::int64_t>(b.messages.size() - c.report.rejected.size());
        t.failed += static_cast<std::int64_t>(b.failures.size());
        t.rejected += static_cast<std::int64_t>(c.report.rejected.size());
        t.unchanged += static_cast<std::int64_t>(b.unchanged.size());
        t.unknown_plans += static_cast<std::int64_t>(b.unknown_plans);
        if (!b.messages.empty()) ++t.batches;
        for (const auto& f : b.failures) record_failure(f);
        for (const auto& f : c.report.rejected) record_failure(f);
        if (b.watermark) result.watermark = b.watermark;
        if (m_listener != nullptr) m_listener->on_settled(b, c.report, t);
    };

    auto stop_with = [&](PipelineResult::Outcome outcome, std::string reason) {
        if (result.outcome == PipelineResult::Outcome::Completed) {
            result.outcome = outcome;
            result.reason = std::move(reason);
        }
        if (!stopping) {
            stopping = true;
            run.stop();
        }
    };

    for (;;) {
        if (!stopping && should_stop()) stop_with(PipelineResult::Outcome::Interrupted, "stopped by a signal");
        // Read before waiting: once every sender is done, the queue holds all that is left.
        const bool senders_done = run.finished();
        auto completion = run.next_completion();
        if (completion) {
            result.totals.requests += static_cast<std::int64_t>(completion->report.requests);
            result.totals.retries += static_cast<std::int64_t>(completion->report.retries);
            result.totals.bytes_sent += static_cast<std::int64_t>(completion->report.bytes_sent);
            const auto sequence = completion->batch.sequence;
            pending.emplace(sequence, std::move(*completion));
        }
        for (auto it = pending.find(next); !blocked && it != pending.end(); it = pending.find(next)) {
            Completion& c = it->second;
            if (c.report.status != sink::DeliveryReport::Status::Delivered) {
                blocked = true;
                const bool interrupted = c.report.status == sink::DeliveryReport::Status::Interrupted;
                stop_with(interrupted ? PipelineResult::Outcome::Interrupted : PipelineResult::Outcome::DeliveryFailed,
                          c.report.failure);
                break;
            }
            settle(c);
            pending.erase(it);
            ++next;
        }
        const auto now = std::chrono::steady_clock::now();
        if (m_tick && now - last_tick >= 1s) {
            last_tick = now;
            m_tick(result.totals);
        }
        if (!completion && senders_done) break;
    }
    run.join();
    result.accounts_read = run.accounts_read();
    if (auto failure = run.source_failure(); failure && result.outcome == PipelineResult::Outcome::Completed) {
        result.outcome = PipelineResult::Outcome::SourceFailed;
        result.reason = failure->reason;
    }
    if (m_tick) m_tick(result.totals);
    return result;
}

}  // namespace ss::pipeline
