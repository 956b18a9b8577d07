#include "report/metrics.hpp"

#include "core/error.hpp"

#include <curl/curl.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

namespace ss::report {
namespace {

constexpr std::string_view k_last_success = "snapshot_sync_last_success_timestamp_seconds";

void gauge(std::string& out, std::string_view name, std::string_view help, const std::string& labels, double value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{}{{{}}} {}\n", name, help, name, name, labels, value);
}

// The value of `name` in an existing exposition file, if any.
std::optional<std::string> previous_value(const std::string& path, std::string_view name) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == '{') {
            const auto space = line.rfind(' ');
            if (space != std::string::npos) return line.substr(space + 1);
        }
    }
    return std::nullopt;
}

double epoch(core::Instant t) { return static_cast<double>(t.time_since_epoch().count()); }

}  // namespace

std::string shard_label(const std::string& shard) {
    std::string label = shard;
    if (auto slash = label.find('/'); slash != std::string::npos) label.replace(slash, 1, "-of-");
    return label;
}

std::string render_metrics(const RunReport& r) {
    const std::string labels = fmt::format("shard=\"{}\"", shard_label(r.shard));
    const auto& t = r.totals;
    std::string out;
    gauge(out, "snapshot_sync_accounts_eligible", "Accounts eligible in the snapshot.", labels, static_cast<double>(r.eligible));
    gauge(out, "snapshot_sync_accounts_sent", "Accounts acknowledged by Segment in the snapshot.", labels, static_cast<double>(t.sent));
    gauge(out, "snapshot_sync_accounts_failed", "Accounts not sent: unmappable rows or messages over the size limit.",
          labels, static_cast<double>(t.failed));
    gauge(out, "snapshot_sync_accounts_rejected", "Accounts whose message Segment refused (HTTP 400).", labels,
          static_cast<double>(t.rejected));
    gauge(out, "snapshot_sync_accounts_unchanged", "Accounts skipped by change detection.", labels, static_cast<double>(t.unchanged));
    gauge(out, "snapshot_sync_batches", "Batches acknowledged.", labels, static_cast<double>(t.batches));
    gauge(out, "snapshot_sync_requests", "HTTP requests made, retries included.", labels, static_cast<double>(t.requests));
    gauge(out, "snapshot_sync_retries", "HTTP requests that were retries.", labels, static_cast<double>(t.retries));
    gauge(out, "snapshot_sync_bytes_sent", "Request body bytes sent (compressed).", labels, static_cast<double>(t.bytes_sent));
    gauge(out, "snapshot_sync_duration_seconds", "Duration of the last run.", labels, r.duration_seconds);
    gauge(out, "snapshot_sync_last_run_timestamp_seconds", "When the last run ended (Unix time).", labels, epoch(r.finished_at));
    gauge(out, "snapshot_sync_last_run_exit_status", "Exit status of the last run (0 = every account delivered).", labels,
          r.exit_status);
    if (r.last_success_at) {
        gauge(out, k_last_success, "When a run last completed (Unix time).", labels, epoch(*r.last_success_at));
    }
    return out;
}

void write_metrics_textfile(const std::string& path, const RunReport& report) {
    std::string text = render_metrics(report);
    if (!report.last_success_at) {
        if (auto previous = previous_value(path, k_last_success)) {
            text += fmt::format("# HELP {} When a run last completed (Unix time).\n# TYPE {} gauge\n{}{{shard=\"{}\"}} {}\n",
                                k_last_success, k_last_success, k_last_success, shard_label(report.shard), *previous);
        }
    }
    write_file_atomically(path, text);
}

void push_metrics(const std::string& url, const std::string& job, const RunReport& report) {
    std::string base = url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    const std::string target = fmt::format("{}/metrics/job/{}/shard/{}", base, job, shard_label(report.shard));
    const std::string body = render_metrics(report);
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
        curl_slist_append(nullptr, "Content-Type: text/plain; version=0.0.4"), curl_slist_free_all);
    char error[CURL_ERROR_SIZE] = "";
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, target.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10'000L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, +[](char*, std::size_t size, std::size_t n, void*) { return size * n; });
    const CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status / 100 != 2) {
        throw core::Error(core::ErrorKind::Delivery,
                          fmt::format("pushgateway {}: {}", base, rc != CURLE_OK ? std::string(error[0] ? error : curl_easy_strerror(rc))
                                                                                 : fmt::format("HTTP {}", status)));
    }
}

}  // namespace ss::report
