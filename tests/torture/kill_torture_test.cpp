// Kill torture: runs of the real binary against the fake Segment endpoint,
// stopped at random moments — 30 times with SIGKILL, 30 times with SIGTERM —
// and resumed, on a demo database of 3,000 accounts.
//
// After every stop the checkpoint must be readable and must never claim an
// account the endpoint did not receive; after every resume every eligible
// account (from a dry run) was received, none is missing, none is extra, and
// all copies of an account's message share one messageId (so Segment drops
// the resent ones). SIGTERM additionally finishes the batches in flight:
// what was received is exactly what the checkpoint covers, and the exit
// status is 6.
//
// The random seed is printed; SNAPSHOT_SYNC_TORTURE_SEED replays a run.

#include "integration/harness.hpp"

#include "core/uuid.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <thread>

#include <gtest/gtest.h>

namespace ss::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr int k_accounts = 3000;
constexpr int k_stops = 30;
// Each request takes 25 ms at the endpoint: a whole run of 30 batches, three
// in flight, lasts about half a second, so a random moment can land in any
// phase (start-up, sending, settling, finishing).
constexpr const char* k_endpoint_script = "slow=25x1000000";

std::uint32_t torture_seed() {
    if (const char* text = std::getenv("SNAPSHOT_SYNC_TORTURE_SEED")) return static_cast<std::uint32_t>(std::stoul(text));
    return std::random_device{}();
}

// The demo database, its eligible accounts (a dry run, in id order) and a
// config file for a given endpoint.
class Torture {
public:
    Torture() : m_scenario(k_accounts) {
        const auto dry = m_scenario.dry_run();
        if (dry.exit_code != 0) throw std::runtime_error("dry run failed: " + dry.err);
        for (const auto& m : parse_lines(dry.out)) m_eligible.push_back(m.at("groupId").get<std::string>());
        if (!std::is_sorted(m_eligible.begin(), m_eligible.end())) throw std::runtime_error("dry run not in id order");
    }

    const std::vector<std::string>& eligible() const { return m_eligible; }
    std::string checkpoint_path() const { return m_scenario.checkpoint_path(); }

    void point_at(const FakeSegment& endpoint) const {
        write_text(m_scenario.file("config.toml"),
                   "[database]\nurl = \"sqlite:" + m_scenario.db_path() + "\"\nchunk_size = 500\n"
                   "[segment]\nhost = \"" + endpoint.url() + "\"\nmessages_per_second = 0\nbatch_size = 100\n"
                   "in_flight = 3\nbackoff_initial = 0.01\nbackoff_max = 0.05\nmax_retries = 5\n"
                   "connect_timeout = 2\nrequest_timeout = 10\n"
                   "[checkpoint]\nlocation = \"" + checkpoint_path() + "\"\n");
    }

    std::unique_ptr<ChildProcess> start(const std::vector<std::string>& extra = {}) const {
        ProcessOptions options;
        options.args = {snapshot_sync_binary(), "run", "--config", m_scenario.file("config.toml"), "--as-of", k_now};
        options.args.insert(options.args.end(), extra.begin(), extra.end());
        options.env = m_scenario.env();
        options.timeout = 60s;
        return std::make_unique<ChildProcess>(options);
    }

    std::string report_path() const { return m_scenario.file("report.json"); }

    // The checkpoint as a stopped run left it; a stop must never leave one that does not parse.
    std::optional<Json> checkpoint() const {
        if (!std::filesystem::exists(checkpoint_path())) return std::nullopt;
        const std::string text = read_text(checkpoint_path());
        try {
            return Json::parse(text);
        } catch (const Json::exception& e) {
            ADD_FAILURE() << "the checkpoint does not parse after a stop: " << e.what() << "\n" << text;
            return std::nullopt;
        }
    }

    // Eligible accounts up to the checkpoint's watermark (all of them once it is finished).
    std::vector<std::string> covered_by(const Json& checkpoint) const {
        if (checkpoint.at("state") == "finished") return m_eligible;
        if (checkpoint.at("watermark").is_null()) return {};
        const auto watermark = core::Uuid::from_hex(checkpoint.at("watermark").get<std::string>());
        EXPECT_TRUE(watermark.has_value()) << checkpoint.dump();
        if (!watermark) return {};
        const std::string last = watermark->to_base36();  // base 36, fixed width: text order is id order
        return {m_eligible.begin(), std::upper_bound(m_eligible.begin(), m_eligible.end(), last)};
    }

private:
    Scenario m_scenario;
    std::vector<std::string> m_eligible;
};

std::set<std::string> as_set(const std::vector<std::string>& ids) { return {ids.begin(), ids.end()}; }

// Every eligible account was received, nothing else was, and all copies of
// an account's message are the same message.
void expect_complete(const Torture& t, const FakeSegment& endpoint, const std::string& when) {
    const auto received = endpoint.messages();
    EXPECT_EQ(group_ids(received), as_set(t.eligible())) << when;
    for (const auto& [gid, copies] : by_group(received)) {
        for (const auto& c : copies) {
            ASSERT_EQ(c.at("messageId"), copies.front().at("messageId")) << when << ": account " << gid;
        }
    }
}

// Runs to the end; the final report counts every account once, however
// many times batches were resent.
void resume_to_completion(const Torture& t, const FakeSegment& endpoint, const std::string& when) {
    auto child = t.start({"--report", t.report_path()});
    const auto r = child->wait();
    ASSERT_EQ(r.exit_code, 0) << when << "\n" << r.err;
    const auto report = Json::parse(read_text(t.report_path()));
    EXPECT_EQ(report["accounts"]["sent"].get<std::size_t>(), t.eligible().size()) << when;
    EXPECT_EQ(report["accounts"]["failed"], 0) << when;
    const auto checkpoint = t.checkpoint();
    ASSERT_TRUE(checkpoint.has_value());
    EXPECT_EQ((*checkpoint)["state"], "finished") << when;
    expect_complete(t, endpoint, when);
}

// How long one undisturbed run takes here, now (the machine may be loaded).
Clock::duration undisturbed_run(const Torture& t) {
    FakeSegment endpoint({"--script", k_endpoint_script});
    t.point_at(endpoint);
    const auto started = Clock::now();
    auto child = t.start();
    const auto r = child->wait();
    const auto took = Clock::now() - started;
    if (r.exit_code != 0) throw std::runtime_error("the undisturbed run failed: " + r.err);
    expect_complete(t, endpoint, "undisturbed run");
    return took;
}

TEST(KillTorture, ThirtySigkillsAtRandomMomentsLoseNoAccount) {
    Torture t;
    const auto full_run = undisturbed_run(t);
    const std::uint32_t seed = torture_seed();
    std::mt19937 rng(seed);
    std::cout << "seed " << seed << " (SNAPSHOT_SYNC_TORTURE_SEED), an undisturbed run takes "
              << std::chrono::duration_cast<std::chrono::milliseconds>(full_run).count() << " ms\n";
    // A moment anywhere in a run's life, start-up included.
    std::uniform_int_distribution<std::int64_t> moment_us(0, std::chrono::duration_cast<std::chrono::microseconds>(full_run).count());

    int kills = 0;
    int completed_before_the_kill = 0;
    for (int cycle = 0; kills < k_stops && cycle < 3 * k_stops; ++cycle) {
        // A cycle is one snapshot: one to three runs killed in a row (a resume killed again), then a resume to the end.
        FakeSegment endpoint({"--script", k_endpoint_script});
        t.point_at(endpoint);
        const int kills_in_cycle = std::min<int>(1 + static_cast<int>(rng() % 3), k_stops - kills);
        for (int k = 0; k < kills_in_cycle; ++k) {
            const std::string when = "cycle " + std::to_string(cycle) + ", kill " + std::to_string(k + 1) + " (seed " +
                                     std::to_string(seed) + ")";
            const auto before = t.checkpoint();
            auto child = t.start();
            std::this_thread::sleep_for(std::chrono::microseconds(moment_us(rng)));
            if (child->finished()) {
                const auto r = child->wait();
                ASSERT_EQ(r.exit_code, 0) << when << "\n" << r.err;
                ++completed_before_the_kill;
                break;  // this snapshot is complete; the resume below starts and finishes a new one
            }
            child->kill(SIGKILL);
            const auto r = child->wait();
            if (r.signal == 0) {
                // It ended between the look above and the signal.
                ASSERT_EQ(r.exit_code, 0) << when << "\n" << r.err;
                ++completed_before_the_kill;
                break;
            }
            ASSERT_EQ(r.signal, SIGKILL) << when << "\n" << r.err;
            ++kills;
            // The checkpoint never runs ahead of what Segment acknowledged. (Killed before it
            // began this snapshot, the run left the previous cycle's finished one in place.)
            const auto checkpoint = t.checkpoint();
            if (checkpoint && !((*checkpoint)["state"] == "finished" && checkpoint == before)) {
                const auto received = group_ids(endpoint.messages());
                for (const auto& gid : t.covered_by(*checkpoint)) {
                    ASSERT_TRUE(received.contains(gid)) << when << ": the checkpoint covers " << gid
                                                        << ", which the endpoint never received\n"
                                                        << checkpoint->dump();
                }
            }
        }
        resume_to_completion(t, endpoint, "cycle " + std::to_string(cycle) + " (seed " + std::to_string(seed) + ")");
        if (HasFatalFailure()) return;
    }
    EXPECT_EQ(kills, k_stops);
    std::cout << kills << " kills, " << completed_before_the_kill << " runs ended before their kill\n";
    // A kill between writing the checkpoint's temporary file and renaming it leaves the temporary file behind.
    int temporary_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(t.checkpoint_path()).parent_path())) {
        temporary_files += entry.path().filename().string().find(".tmp.") != std::string::npos;
    }
    std::cout << temporary_files << " temporary checkpoint files left behind by kills\n";
}

TEST(KillTorture, ThirtySigtermsFinishInFlightBatchesSaveTheCheckpointAndExit6) {
    Torture t;
    const auto full_run = undisturbed_run(t);
    const std::uint32_t seed = torture_seed();
    std::mt19937 rng(seed);
    std::cout << "seed " << seed << " (SNAPSHOT_SYNC_TORTURE_SEED), an undisturbed run takes "
              << std::chrono::duration_cast<std::chrono::milliseconds>(full_run).count() << " ms\n";
    std::uniform_int_distribution<std::int64_t> moment_us(0, std::chrono::duration_cast<std::chrono::microseconds>(full_run).count());

    int interrupted = 0;
    int before_handlers = 0;
    int completed_before_the_signal = 0;
    for (int cycle = 0; interrupted < k_stops && cycle < 3 * k_stops; ++cycle) {
        FakeSegment endpoint({"--script", k_endpoint_script});
        t.point_at(endpoint);
        const int stops_in_cycle = std::min<int>(1 + static_cast<int>(rng() % 3), k_stops - interrupted);
        for (int k = 0; k < stops_in_cycle; ++k) {
            const std::string when = "cycle " + std::to_string(cycle) + ", SIGTERM " + std::to_string(k + 1) +
                                     " (seed " + std::to_string(seed) + ")";
            const auto before = t.checkpoint();
            const auto requests_before = endpoint.requests().size();
            auto child = t.start();
            std::this_thread::sleep_for(std::chrono::microseconds(moment_us(rng)));
            if (child->finished()) {
                const auto r = child->wait();
                ASSERT_EQ(r.exit_code, 0) << when << "\n" << r.err;
                ++completed_before_the_signal;
                break;
            }
            child->kill(SIGTERM);
            const auto signalled = Clock::now();
            const auto r = child->wait();
            // Batches in flight take 25 ms each: stopping is quick.
            EXPECT_LT(Clock::now() - signalled, 10s) << when;
            const auto checkpoint = t.checkpoint();
            if (r.signal == SIGTERM) {
                // Before main() installed its handler: the process did nothing at all.
                EXPECT_EQ(endpoint.requests().size(), requests_before) << when;
                EXPECT_EQ(checkpoint, before) << when;
                ++before_handlers;
                continue;
            }
            const auto received = group_ids(endpoint.messages());
            ASSERT_TRUE(checkpoint.has_value()) << when << "\n" << r.err;
            if (r.exit_code == 0) {
                // The signal came after the last batch settled: the run completed.
                EXPECT_EQ((*checkpoint)["state"], "finished") << when;
                EXPECT_EQ(received, as_set(t.eligible())) << when;
                ++completed_before_the_signal;
                break;
            }
            ASSERT_EQ(r.exit_code, 6) << when << "\n" << r.err;
            ++interrupted;
            EXPECT_EQ((*checkpoint)["state"], "running") << when;
            EXPECT_NE(r.err.find("interrupted"), std::string::npos) << when << "\n" << r.err;
            // Every batch that reached the endpoint was finished and settled: what was
            // received is exactly what the saved checkpoint covers, no more, no less.
            EXPECT_EQ(received, as_set(t.covered_by(*checkpoint))) << when << "\n" << checkpoint->dump();
            for (const auto& request : endpoint.requests()) EXPECT_EQ(request["answer"], 200) << when;
            EXPECT_EQ((*checkpoint)["counters"]["sent"].get<std::size_t>(), received.size()) << when;
        }
        resume_to_completion(t, endpoint, "cycle " + std::to_string(cycle) + " (seed " + std::to_string(seed) + ")");
        if (HasFatalFailure()) return;
    }
    EXPECT_EQ(interrupted, k_stops);
    std::cout << interrupted << " runs interrupted (exit 6), " << completed_before_the_signal
              << " ended before their signal, " << before_handlers << " signalled before main() started\n";
}

}  // namespace
}  // namespace ss::test
