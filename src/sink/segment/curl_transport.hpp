#pragma once
// libcurl transport: one easy handle per sender thread, so the connection
// (and its TLS session) is reused from batch to batch.

#include "sink/segment/transport.hpp"

#include <memory>
#include <string>

namespace ss::sink {

struct CurlOptions {
    std::string url;  // {host}/v1/batch
    std::string write_key;
    double connect_timeout_seconds = 10;
    double request_timeout_seconds = 30;
    bool tls_verify = true;
    std::string user_agent;
};

std::unique_ptr<Transport> make_curl_transport(const CurlOptions& options);

// "libcurl/7.88.1 OpenSSL/3.0.x ...", for --version.
std::string curl_version_text();

}  // namespace ss::sink
