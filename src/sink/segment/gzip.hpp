#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace ss::sink {

// gzip members (RFC 1952) at the fastest level: JSON bodies compress about
// 7:1 even so, and the CPU is better spent elsewhere. One compressor per
// sender thread, reused for every body.
class GzipCompressor {
public:
    GzipCompressor();
    ~GzipCompressor();
    GzipCompressor(const GzipCompressor&) = delete;
    GzipCompressor& operator=(const GzipCompressor&) = delete;

    // Compresses `data` into `out` (replacing its contents, reusing its capacity).
    void compress(std::string_view data, std::string& out);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace ss::sink
