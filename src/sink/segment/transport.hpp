#pragma once
// One POST of a batch body to {host}/v1/batch. The seam between the
// Segment sink's logic (retries, splitting, pacing) and the wire: libcurl in
// production, a recording fake in the unit tests.

#include <optional>
#include <string>
#include <string_view>

namespace ss::sink {

struct HttpResponse {
    int status = 0;               // 0: no HTTP answer (see network_error)
    std::string network_error;    // connect refused, reset, timeout, TLS...
    std::optional<std::string> retry_after;  // the Retry-After header, as sent
    std::string body;             // the first KB of the answer, for error lines
};

struct PostRequest {
    std::string_view body;
    bool gzipped = false;
    unsigned retry_count = 0;  // sent as X-Retry-Count when > 0
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual HttpResponse post(const PostRequest& request) = 0;
};

}  // namespace ss::sink
