#include "sink/segment/curl_transport.hpp"

#include "core/error.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace ss::sink {
namespace {

constexpr std::size_t k_body_keep = 1024;

struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    const std::size_t n = size * count;
    if (body->size() < k_body_keep) body->append(data, std::min(n, k_body_keep - body->size()));
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* retry_after = static_cast<std::optional<std::string>*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    constexpr std::string_view k_name = "retry-after:";
    if (line.size() > k_name.size() &&
        std::equal(k_name.begin(), k_name.end(), line.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
        std::string_view value = line.substr(k_name.size());
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
        *retry_after = std::string(value);
    } else if (line.starts_with("HTTP/")) {
        retry_after->reset();  // a new response (after a 100 Continue) starts afresh
    }
    return n;
}

class CurlTransport final : public Transport {
public:
    explicit CurlTransport(CurlOptions options) : m_options(std::move(options)), m_handle(curl_easy_init()) {
        if (!m_handle) throw core::Error(core::ErrorKind::Internal, "curl_easy_init failed");
        CURL* h = m_handle.get();
        curl_easy_setopt(h, CURLOPT_URL, m_options.url.c_str());
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        curl_easy_setopt(h, CURLOPT_USERNAME, m_options.write_key.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, "");
        curl_easy_setopt(h, CURLOPT_USERAGENT, m_options.user_agent.c_str());
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, to_ms(m_options.connect_timeout_seconds));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, to_ms(m_options.request_timeout_seconds));
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, m_options.tls_verify ? 1L : 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, m_options.tls_verify ? 2L : 0L);
        curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, m_error);
    }

    HttpResponse post(const PostRequest& request) override {
        CURL* h = m_handle.get();
        HttpResponse response;
        std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(nullptr, "Content-Type: application/json"));
        if (request.gzipped) headers.reset(curl_slist_append(headers.release(), "Content-Encoding: gzip"));
        if (request.retry_count > 0) {
            headers.reset(curl_slist_append(headers.release(), fmt::format("X-Retry-Count: {}", request.retry_count).c_str()));
        }
        headers.reset(curl_slist_append(headers.release(), "Expect:"));  // no 100-continue round trip
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.retry_after);
        m_error[0] = '\0';
        const CURLcode rc = curl_easy_perform(h);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
        if (rc != CURLE_OK) {
            response.network_error = m_error[0] != '\0' ? m_error : curl_easy_strerror(rc);
            return response;
        }
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        response.status = static_cast<int>(status);
        return response;
    }

private:
    static long to_ms(double seconds) { return static_cast<long>(seconds * 1000.0); }

    CurlOptions m_options;
    std::unique_ptr<CURL, CurlDeleter> m_handle;
    char m_error[CURL_ERROR_SIZE]{};
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const CurlOptions& options) {
    return std::make_unique<CurlTransport>(options);
}

std::string curl_version_text() { return curl_version(); }

}  // namespace ss::sink
