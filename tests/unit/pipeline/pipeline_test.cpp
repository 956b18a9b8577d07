#include "pipeline/pipeline.hpp"

#include "core/error.hpp"
#include "sink/segment/rate_limiter.hpp"

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include <gtest/gtest.h>

namespace ss::pipeline {
namespace {

core::Uuid id(int n) {
    core::Uuid::Bytes b{};
    b[14] = static_cast<std::uint8_t>(n >> 8);
    b[15] = static_cast<std::uint8_t>(n);
    return core::Uuid{b};
}

// An in-memory source: accounts 1..n, optionally losing its connection.
class FakeSource final : public source::AccountSource {
public:
    explicit FakeSource(int accounts) : m_accounts(accounts) {}

    std::string describe() const override { return "fake"; }
    void begin_snapshot() override {}
    void end_snapshot() override {}
    void reconnect() override { ++reconnects; }
    bool has_table(const std::string&) override { return true; }
    std::vector<std::string> missing_columns(const std::vector<source::TableColumns>&) override { return {}; }
    std::int64_t count_eligible(const source::SnapshotQuery&) override { return m_accounts; }

    std::atomic<int> reconnects{0};
    int lose_connection_times = 0;   // the next chunk reads fail this many times
    int fail_after_chunks = -1;      // then a plain database error
    std::vector<int> bad_rows;       // rows with a NULL name

protected:
    std::vector<source::AccountRow> fetch_traits(const source::SnapshotQuery&, const core::Uuid& after,
                                                 std::size_t limit) override {
        if (lose_connection_times > 0) {
            --lose_connection_times;
            throw core::DatabaseError("fake: connection lost", core::ErrorKind::ConnectionLost);
        }
        if (fail_after_chunks == 0) throw core::DatabaseError("fake: table dropped");
        if (fail_after_chunks > 0) --fail_after_chunks;
        std::vector<source::AccountRow> rows;
        for (int n = 1; n <= m_accounts && rows.size() < limit; ++n) {
            if (!(after < id(n))) continue;
            source::AccountRow r;
            r.id = id(n);
            r.name = "Account " + std::to_string(n);
            if (std::find(bad_rows.begin(), bad_rows.end(), n) != bad_rows.end()) r.name.reset();
            r.created_at = "2024-01-01 00:00:00";
            r.cards_count = n;
            rows.push_back(r);
        }
        return rows;
    }
    std::vector<std::pair<core::Uuid, std::string>> fetch_plans(const core::Uuid&, const core::Uuid&) override {
        return {};
    }

private:
    int m_accounts;
};

// Records what it was given; fails or delays on demand. Thread-safe.
struct SinkLog {
    std::mutex mutex;
    std::vector<core::Uuid> delivered;
    std::uint64_t fail_sequence = UINT64_MAX;
    bool random_delays = false;
};

class RecordingSink final : public sink::Sink {
public:
    explicit RecordingSink(SinkLog& log) : m_log(log), m_rng(std::random_device{}()) {}
    sink::DeliveryReport deliver(const batch::Batch& b, std::stop_token) override {
        if (m_log.random_delays) std::this_thread::sleep_for(std::chrono::milliseconds(m_rng() % 5));
        sink::DeliveryReport report;
        if (b.sequence == m_log.fail_sequence) {
            report.status = sink::DeliveryReport::Status::Failed;
            report.failure = "HTTP 503 forever";
            return report;
        }
        std::lock_guard lock(m_log.mutex);
        for (const auto& m : b.messages) m_log.delivered.push_back(m.account);
        report.requests = 1;
        return report;
    }

private:
    SinkLog& m_log;
    std::mt19937 m_rng;
};

// Checks the listener's contract: settled batches arrive in order.
struct OrderCheckingListener final : SettlementListener {
    std::vector<std::uint64_t> sequences;
    std::optional<core::Uuid> watermark;
    void on_settled(const batch::Batch& b, const sink::DeliveryReport&, const Counters&) override {
        sequences.push_back(b.sequence);
        if (b.watermark) {
            if (watermark) {
                EXPECT_LT(*watermark, *b.watermark);
            }
            watermark = b.watermark;
        }
    }
};

struct Harness {
    FakeSource source;
    SinkLog log;
    traits::TraitMapper mapper{{{"free", 0}}, config::IdentityMode::System, "", false};
    message::GroupMessageEncoder encoder{*core::parse_iso8601("2026-12-03T00:00:00Z"), "t", "v"};
    PipelineSettings settings;
    OrderCheckingListener listener;

    explicit Harness(int accounts) : source(accounts) {
        settings.chunk_size = 7;
        settings.senders = 4;
        settings.reconnect_attempts = 2;
        settings.limits = {5, 500'000, 32'768};
    }

    PipelineResult run(std::function<bool()> stop = [] { return false; }) {
        Pipeline p(source, {*core::parse_iso8601("2026-12-03T00:00:00Z"), {}, false}, mapper, encoder,
                   [this] { return std::make_unique<RecordingSink>(log); }, settings);
        p.set_listener(&listener);
        return p.run(stop);
    }
};

TEST(Pipeline, DeliversEveryAccountAndSettlesInOrder) {
    Harness h(103);
    h.log.random_delays = true;
    const auto result = h.run();
    EXPECT_EQ(result.outcome, PipelineResult::Outcome::Completed);
    EXPECT_EQ(result.totals.sent, 103);
    EXPECT_EQ(result.totals.batches, 21);
    std::set<core::Uuid> unique(h.log.delivered.begin(), h.log.delivered.end());
    EXPECT_EQ(unique.size(), 103u);
    EXPECT_EQ(h.log.delivered.size(), 103u);
    for (std::size_t i = 0; i < h.listener.sequences.size(); ++i) EXPECT_EQ(h.listener.sequences[i], i);
    EXPECT_EQ(result.watermark, id(103));
}

TEST(Pipeline, AFailedBatchStopsTheRunAndNothingAfterItSettles) {
    Harness h(100);
    h.log.fail_sequence = 6;
    const auto result = h.run();
    EXPECT_EQ(result.outcome, PipelineResult::Outcome::DeliveryFailed);
    EXPECT_EQ(result.reason, "HTTP 503 forever");
    ASSERT_FALSE(h.listener.sequences.empty());
    EXPECT_EQ(h.listener.sequences.back(), 5u);
    // Batches 0..5 hold accounts 1..30 (5 per batch; chunk boundaries add empty progress batches only when nothing is pending).
    EXPECT_LE(*result.watermark, id(31));
    EXPECT_EQ(result.totals.sent, static_cast<std::int64_t>(h.listener.sequences.size()) * 5 -
                                      0 /* every settled batch here is full */);
}

TEST(Pipeline, ResumesAfterTheWatermark) {
    Harness h(50);
    h.settings.resume_after = id(20);
    h.settings.initial.sent = 20;
    const auto result = h.run();
    EXPECT_EQ(result.totals.sent, 50);
    ASSERT_EQ(h.log.delivered.size(), 30u);
    EXPECT_EQ(*std::min_element(h.log.delivered.begin(), h.log.delivered.end()), id(21));
}

TEST(Pipeline, ReconnectsAfterALostConnection) {
    Harness h(30);
    h.source.lose_connection_times = 2;
    const auto result = h.run();
    EXPECT_EQ(result.outcome, PipelineResult::Outcome::Completed);
    EXPECT_EQ(h.source.reconnects, 2);
    EXPECT_EQ(result.totals.sent, 30);
}

TEST(Pipeline, GivesUpAfterTheReconnectBudget) {
    Harness h(30);
    h.source.lose_connection_times = 3;  // one more than reconnect_attempts
    const auto result = h.run();
    EXPECT_EQ(result.outcome, PipelineResult::Outcome::SourceFailed);
    EXPECT_EQ(result.reason, "fake: connection lost");
}

TEST(Pipeline, ADatabaseErrorKeepsWhatWasAlreadyRead) {
    Harness h(100);
    h.source.fail_after_chunks = 3;  // 21 accounts read
    const auto result = h.run();
    EXPECT_EQ(result.outcome, PipelineResult::Outcome::SourceFailed);
    EXPECT_EQ(result.reason, "fake: table dropped");
    EXPECT_EQ(result.totals.sent, 21);  // whole batches and progress marks up to the failure settled
    EXPECT_EQ(result.watermark, id(21));
}

TEST(Pipeline, DamagedRowsAreReportedAndTheRunGoesOn) {
    Harness h(20);
    h.source.bad_rows = {3, 17};
    const auto result = h.run();
    EXPECT_EQ(result.outcome, PipelineResult::Outcome::Completed);
    EXPECT_EQ(result.totals.sent, 18);
    EXPECT_EQ(result.totals.failed, 2);
    ASSERT_EQ(result.failures.size(), 2u);
    EXPECT_EQ(result.failures[0].account, id(3));
    EXPECT_EQ(result.failures[0].reason, "accounts.name is NULL");
}

TEST(Pipeline, StopKeepsTheSettledPrefix) {
    Harness h(2000);
    h.settings.chunk_size = 50;
    h.log.random_delays = true;
    std::atomic<int> polls{0};
    const auto result = h.run([&] { return ++polls > 3; });
    EXPECT_EQ(result.outcome, PipelineResult::Outcome::Interrupted);
    EXPECT_LT(result.totals.sent, 2000);
    // Whatever settled is a prefix: accounts 1..sent, each once.
    std::set<core::Uuid> delivered(h.log.delivered.begin(), h.log.delivered.end());
    for (int n = 1; n <= result.totals.sent; ++n) EXPECT_TRUE(delivered.contains(id(n))) << n;
}

TEST(Pipeline, OnlyListedAccounts) {
    Harness h(40);
    h.settings.only_accounts = {id(7), id(3), id(99)};
    const auto result = h.run();
    EXPECT_EQ(result.totals.sent, 2);
    EXPECT_EQ(result.totals.failed, 1);
    ASSERT_EQ(result.failures.size(), 1u);
    EXPECT_EQ(result.failures[0].account, id(99));
    std::set<core::Uuid> delivered(h.log.delivered.begin(), h.log.delivered.end());
    EXPECT_EQ(delivered, (std::set<core::Uuid>{id(3), id(7)}));
}

// A checkpoint that cannot be written ends the run with that error, promptly:
// the reader and senders are stopped, not left waiting on full queues.
TEST(Pipeline, AListenerThatThrowsEndsTheRunWithoutHanging) {
    struct FailingListener final : SettlementListener {
        void on_settled(const batch::Batch&, const sink::DeliveryReport&, const Counters&) override {
            throw core::UsageError("checkpoint: disk full");
        }
    };
    // After its first batch the sink waits until the pipeline tells it to stop.
    struct WaitingSink final : sink::Sink {
        int calls = 0;
        sink::DeliveryReport deliver(const batch::Batch&, std::stop_token stop) override {
            sink::DeliveryReport report;
            if (calls++ == 0) return report;
            sink::sleep_for(std::chrono::hours(1), stop);
            report.status = sink::DeliveryReport::Status::Interrupted;
            return report;
        }
    };
    Harness h(5000);
    h.settings.senders = 2;
    FailingListener listener;
    Pipeline p(h.source, {*core::parse_iso8601("2026-12-03T00:00:00Z"), {}, false}, h.mapper, h.encoder,
               [] { return std::make_unique<WaitingSink>(); }, h.settings);
    p.set_listener(&listener);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(p.run([] { return false; }), core::UsageError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

}  // namespace
}  // namespace ss::pipeline
