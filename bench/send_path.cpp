// The send path alone, without a database: synthetic accounts go through
// the real pipeline (traits -> group() JSON -> batches -> gzip -> HTTP) to
// a Segment-compatible endpoint, unpaced. Prints messages per second of
// wall time and of CPU time (the process's user + system), and peak RSS.
//
//   bench-send-path --url http://127.0.0.1:PORT [--messages N] [--senders K]
//
// Run it against tests' fake-segment --count-only, on a core of its own.

#include "message/group_message.hpp"
#include "pipeline/pipeline.hpp"
#include "sink/segment/segment_sink.hpp"
#include "source/source.hpp"
#include "traits/traits.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <curl/curl.h>
#include <fmt/format.h>

namespace {

using namespace ss;

// Accounts 1..n with plausible, varied aggregates, made on the fly.
class SyntheticSource final : public source::AccountSource {
public:
    explicit SyntheticSource(std::int64_t accounts) : m_accounts(accounts) {}
    std::string describe() const override { return "synthetic"; }
    void begin_snapshot() override {}
    void end_snapshot() override {}
    void reconnect() override {}
    bool has_table(const std::string&) override { return false; }
    std::vector<std::string> missing_columns(const std::vector<source::TableColumns>&) override { return {}; }
    std::int64_t count_eligible(const source::SnapshotQuery&) override { return m_accounts; }

protected:
    std::vector<source::AccountRow> fetch_traits(const source::SnapshotQuery&, const core::Uuid& after,
                                                 std::size_t limit) override {
        std::vector<source::AccountRow> rows;
        std::int64_t n = number(after) + 1;
        for (; n <= m_accounts && rows.size() < limit; ++n) rows.push_back(row(n));
        return rows;
    }
    std::vector<std::pair<core::Uuid, std::string>> fetch_plans(const core::Uuid&, const core::Uuid&) override {
        return {};
    }

private:
    static core::Uuid id(std::int64_t n, std::uint8_t kind) {
        core::Uuid::Bytes b{};
        b[0] = 0x01;
        b[1] = 0x93;
        b[2] = kind;
        for (int i = 0; i < 8; ++i) b[static_cast<std::size_t>(15 - i)] = static_cast<std::uint8_t>(n >> (8 * i));
        return core::Uuid{b};
    }
    static std::int64_t number(const core::Uuid& u) {
        std::int64_t n = 0;
        for (int i = 8; i < 16; ++i) n = (n << 8) | u.bytes()[static_cast<std::size_t>(i)];
        return n;
    }
    static source::AccountRow row(std::int64_t n) {
        source::AccountRow r;
        r.id = id(n, 1);
        r.name = fmt::format("Account {} Collective", n);
        r.created_at = fmt::format("2024-0{}-1{} 0{}:2{}:3{}.123456", 1 + n % 9, n % 10, n % 10, n % 10, n % 10);
        r.cards_count = n % 500;
        r.user_count = n % 40;
        r.board_count = n % 7;
        r.active_user_count_30d = n % 13;
        r.storage_used_bytes = n * 7919;
        r.webhook_count = n % 3;
        r.has_join_code = n % 2 == 0;
        r.entropy_period_seconds = (n % 4 == 0) ? std::optional<std::int64_t>{} : 2'592'000;
        r.system_user_id = id(n, 2);
        return r;
    }

    std::int64_t m_accounts;
};

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    std::string url;
    std::int64_t messages = 500'000;
    std::size_t senders = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--url") url = argv[i + 1];
        else if (flag == "--messages") messages = std::atoll(argv[i + 1]);
        else if (flag == "--senders") senders = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    }
    if (url.empty()) {
        std::fprintf(stderr, "usage: bench-send-path --url http://127.0.0.1:PORT [--messages N] [--senders K]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SyntheticSource source(messages);
    const auto as_of = *core::parse_iso8601("2026-11-20T08:00:00Z");
    const traits::TraitMapper mapper({{"free", 0}}, config::IdentityMode::System, "", false);
    const message::GroupMessageEncoder encoder(as_of, "bench", "0");
    auto limiter = std::make_shared<sink::RateLimiter>(0, 0);
    auto sinks = sink::segment_sink_factory({url, "bench-key", 10, 60, true, "snapshot-sync-bench"}, {}, limiter);
    pipeline::PipelineSettings settings;
    settings.senders = senders;
    settings.chunk_size = 2000;
    pipeline::Pipeline pipeline(source, {as_of, {}, false}, mapper, encoder, sinks, settings);

    const double cpu_start = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    const auto result = pipeline.run([] { return false; });
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpu_seconds() - cpu_start;
    if (result.outcome != pipeline::PipelineResult::Outcome::Completed || result.totals.sent != messages) {
        std::fprintf(stderr, "bench-send-path: run did not complete: %s\n", result.reason.c_str());
        return 1;
    }
    std::printf("messages %lld  batches %lld  bytes_sent %lld  wall_s %.3f  cpu_s %.3f  msgs_per_wall_s %.0f  "
                "msgs_per_cpu_s %.0f  peak_rss_kb %ld\n",
                static_cast<long long>(messages), static_cast<long long>(result.totals.batches),
                static_cast<long long>(result.totals.bytes_sent), wall, cpu, static_cast<double>(messages) / wall,
                static_cast<double>(messages) / cpu, peak_rss_kb());
    return 0;
}
