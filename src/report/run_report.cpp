#include "report/run_report.hpp"

#include "core/error.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ss::report {

std::string to_json(const RunReport& r) {
    using Json = nlohmann::ordered_json;
    Json failures = Json::array();
    for (const auto& f : r.failures) failures.push_back(Json{{"account", f.account.to_base36()}, {"reason", f.reason}});
    const auto& t = r.totals;
    Json j{
        {"status", r.status},
        {"exit_status", r.exit_status},
        {"reason", r.reason},
        {"dry_run", r.dry_run},
        {"resumed", r.resumed},
        {"changed_only", r.changed_only},
        {"as_of", r.as_of},
        {"shard", r.shard},
        {"source", r.source},
        {"destination", r.destination},
        {"accounts",
         Json{{"eligible", r.eligible},
              {"queried", t.settled()},
              {"read_by_this_run", r.accounts_read},
              {"sent_by_this_run", r.sent_by_this_run},
              {"sent", t.sent},
              {"unchanged", t.unchanged},
              {"failed", t.failed},
              {"rejected", t.rejected},
              {"unknown_plans", t.unknown_plans}}},
        {"batches", t.batches},
        {"requests", t.requests},
        {"retries", t.retries},
        {"bytes_sent", t.bytes_sent},
        {"duration_seconds", r.duration_seconds},
        {"messages_per_second", r.messages_per_second},
        {"failures", failures},
        {"failures_not_listed", r.failures_not_listed},
        {"last_success_at", r.last_success_at ? Json(core::format_iso8601(*r.last_success_at)) : Json(nullptr)},
        {"finished_at", core::format_iso8601(r.finished_at)},
    };
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::vector<std::string> human_summary(const RunReport& r) {
    const auto& t = r.totals;
    std::vector<std::string> lines;
    lines.push_back(fmt::format("{}{}: as_of {}, shard {}, {} -> {}", r.dry_run ? "dry run " : "", r.status, r.as_of,
                                r.shard, r.source, r.destination));
    lines.push_back(fmt::format("accounts: {} eligible, {} queried, {} sent, {} unchanged, {} failed, {} rejected{}",
                                r.eligible, t.settled(), t.sent, t.unchanged, t.failed, t.rejected,
                                t.unknown_plans > 0 ? fmt::format(" ({} with an unpriced plan)", t.unknown_plans) : ""));
    if (!r.dry_run) {
        lines.push_back(fmt::format("batches: {}, requests: {}, retries: {}, bytes sent: {}", t.batches, t.requests,
                                    t.retries, t.bytes_sent));
    }
    lines.push_back(fmt::format("duration: {:.1f} s, {} sent by this run at {:.0f} messages/s{}{}", r.duration_seconds,
                                r.sent_by_this_run, r.messages_per_second, r.resumed ? " (resumed run)" : "",
                                r.changed_only ? " (changed accounts only)" : ""));
    constexpr std::size_t k_shown = 10;
    for (std::size_t i = 0; i < r.failures.size() && i < k_shown; ++i) {
        lines.push_back(fmt::format("failed account {}: {}", r.failures[i].account.to_base36(), r.failures[i].reason));
    }
    const auto more = static_cast<std::int64_t>(r.failures.size() > k_shown ? r.failures.size() - k_shown : 0) +
                      r.failures_not_listed;
    if (more > 0) lines.push_back(fmt::format("... and {} more failed accounts (see --report)", more));
    if (!r.reason.empty()) lines.push_back("stopped: " + r.reason);
    return lines;
}

void write_file_atomically(const std::string& path, const std::string& text) {
    const std::string temp = fmt::format("{}.tmp.{}", path, ::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw core::UsageError(fmt::format("{}: cannot write: {}", temp, std::strerror(errno)));
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        std::remove(temp.c_str());
        throw core::UsageError(fmt::format("{}: cannot write: {}", path, std::strerror(error)));
    }
}

}  // namespace ss::report
