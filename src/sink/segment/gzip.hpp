#pragma once

#include <string>
#include <string_view>

namespace ss::sink {

// A gzip member (RFC 1952) of `data`, at zlib's fastest level: bodies are
// small and the CPU is better spent elsewhere.
std::string gzip(std::string_view data);

}  // namespace ss::sink
