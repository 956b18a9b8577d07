#pragma once
// Prometheus metrics of a run, written at the end of every run (failed
// ones included): to a node_exporter textfile (atomic rename) and/or
// pushed to a Pushgateway, grouped by job and shard.
//
// Gauges (label shard="I-of-N"):
//   snapshot_sync_accounts_{eligible,sent,failed,rejected,unchanged}
//   snapshot_sync_{batches,requests,retries,bytes_sent}
//   snapshot_sync_duration_seconds
//   snapshot_sync_last_run_timestamp_seconds, snapshot_sync_last_run_exit_status
//   snapshot_sync_last_success_timestamp_seconds (only once a run has completed)

#include "report/run_report.hpp"

#include <optional>
#include <string>

namespace ss::report {

// The shard as a label value and Pushgateway grouping value: "0-of-1".
std::string shard_label(const std::string& shard);

// The exposition text. Without last_success_at, that line is left out.
std::string render_metrics(const RunReport& report);

// Replaces `path` atomically. When the report has no last success, the one
// already in the file (from an earlier run) is kept.
void write_metrics_textfile(const std::string& path, const RunReport& report);

// POSTs to {url}/metrics/job/{job}/shard/{I-of-N}: metrics of the same name
// are replaced, so a failed run leaves the last success time in place.
// Throws core::Error (Delivery) naming the URL (redacted) and the answer.
void push_metrics(const std::string& url, const std::string& job, const RunReport& report);

}  // namespace ss::report
