#include "sink/segment/gzip.hpp"

#include "core/error.hpp"

#include <zlib.h>

namespace ss::sink {

std::string gzip(std::string_view data) {
    z_stream stream{};
    constexpr int k_gzip_window = 15 + 16;  // 32 KiB window, gzip wrapper
    if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, k_gzip_window, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw core::Error(core::ErrorKind::Internal, "zlib deflateInit2 failed");
    }
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (rc != Z_STREAM_END) throw core::Error(core::ErrorKind::Internal, "zlib deflate failed");
    out.resize(stream.total_out);
    return out;
}

}  // namespace ss::sink
