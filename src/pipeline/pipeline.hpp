#pragma once
// The run itself: source -> traits -> messages -> batches -> sink, as three
// kinds of thread joined by bounded queues so reading and sending overlap
// in constant memory:
//
//   reader   reads chunks, maps and encodes accounts, cuts batches
//   senders  (settings.senders of them) deliver batches through their sink
//   caller   settles completions in batch order, tells the listener
//            (checkpoint, change state), and decides when to stop
//
// A batch settles when it and every batch before it were delivered; the
// listener only ever sees settled batches, in order, which is what makes
// "nothing skipped after a crash" hold.

#include "batch/batch.hpp"
#include "message/group_message.hpp"
#include "pipeline/counters.hpp"
#include "sink/sink.hpp"
#include "source/source.hpp"
#include "traits/traits.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ss::pipeline {

class SettlementListener {
public:
    virtual ~SettlementListener() = default;
    // Called on the caller's thread, in batch order; `totals` include this batch.
    virtual void on_settled(const batch::Batch& batch, const sink::DeliveryReport& report,
                            const Counters& totals) = 0;
};

// Change detection (--changed-only): true when Segment already acknowledged
// exactly this fingerprint for the account.
class ChangeFilter {
public:
    virtual ~ChangeFilter() = default;
    // Called on the reader thread, in account order.
    virtual bool unchanged(const core::Uuid& account, std::uint64_t fingerprint) = 0;
};

struct PipelineSettings {
    std::size_t chunk_size = 2000;
    std::size_t senders = 2;
    std::int64_t reconnect_attempts = 3;
    batch::BatchLimits limits;
    std::optional<core::Uuid> resume_after;  // the checkpoint's watermark
    std::vector<core::Uuid> only_accounts;   // --account: just these
    Counters initial;                        // the checkpoint's counters when resuming
};

struct PipelineResult {
    enum class Outcome { Completed, DeliveryFailed, SourceFailed, Interrupted };
    Outcome outcome = Outcome::Completed;
    std::string reason;  // for anything but Completed
    Counters totals;
    std::vector<batch::AccountFailure> failures;  // this process's, the first k_listed_failures
    std::int64_t failures_not_listed = 0;
    std::optional<core::Uuid> watermark;  // settled up to here
    std::int64_t accounts_read = 0;
};

inline constexpr std::size_t k_listed_failures = 1000;

class Pipeline {
public:
    Pipeline(source::AccountSource& source, source::SnapshotQuery query, const traits::TraitMapper& mapper,
             const message::GroupMessageEncoder& encoder, sink::SinkFactory sinks, PipelineSettings settings);

    void set_listener(SettlementListener* listener) { m_listener = listener; }
    void set_change_filter(ChangeFilter* filter) { m_change_filter = filter; }
    // Called about once a second on the caller's thread (progress display).
    void set_tick(std::function<void(const Counters&)> tick) { m_tick = std::move(tick); }

    // Runs to the end, a failure, or until should_stop() returns true (a
    // signal): then batches being sent finish, and what settled is kept.
    PipelineResult run(const std::function<bool()>& should_stop);

private:
    source::AccountSource& m_source;
    source::SnapshotQuery m_query;
    const traits::TraitMapper& m_mapper;
    const message::GroupMessageEncoder& m_encoder;
    sink::SinkFactory m_sinks;
    PipelineSettings m_settings;
    SettlementListener* m_listener = nullptr;
    ChangeFilter* m_change_filter = nullptr;
    std::function<void(const Counters&)> m_tick;
};

}  // namespace ss::pipeline
