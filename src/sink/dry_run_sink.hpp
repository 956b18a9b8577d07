#pragma once
// The dry run's sink: each message on its own line (NDJSON) on an output
// stream, nothing sent. Lines of a batch are written together.

#include "sink/sink.hpp"

#include <cstdio>
#include <memory>
#include <mutex>

namespace ss::sink {

class DryRunOutput {
public:
    explicit DryRunOutput(std::FILE* out) : m_out(out) {}
    // Writes the batch's messages, one per line; false when the stream failed
    // (e.g. the reader of a pipe went away).
    bool write(const batch::Batch& batch);

private:
    std::mutex m_mutex;
    std::FILE* m_out;
};

SinkFactory dry_run_sink_factory(std::shared_ptr<DryRunOutput> output);

}  // namespace ss::sink
