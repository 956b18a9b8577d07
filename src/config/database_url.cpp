#include "config/database_url.hpp"

#include "core/error.hpp"
#include "core/secrets.hpp"

#include <curl/curl.h>

#include <charconv>
#include <memory>

#include <fmt/format.h>

namespace ss::config {
namespace {

using CurlUrl = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;
using CurlString = std::unique_ptr<char, decltype(&curl_free)>;

std::optional<std::string> url_part(CURLU* url, CURLUPart part) {
    char* raw = nullptr;
    if (curl_url_get(url, part, &raw, CURLU_URLDECODE) != CURLUE_OK || raw == nullptr) return std::nullopt;
    CurlString owned(raw, curl_free);
    return std::string(raw);
}

std::string percent_decode(std::string_view text, std::string_view origin) {
    // curl_easy_unescape takes a length of 0 to mean "up to the NUL": an empty
    // value in the middle of a query would run on into the next parameter.
    if (text.empty()) return {};
    int length = 0;
    char* raw = curl_easy_unescape(nullptr, text.data(), static_cast<int>(text.size()), &length);
    if (raw == nullptr) throw core::UsageError(fmt::format("{}: cannot percent-decode the URL", origin));
    CurlString owned(raw, curl_free);
    std::string decoded(raw, static_cast<std::size_t>(length));
    // A NUL would silently cut the path or value short where it is used as a C string.
    if (decoded.find('\0') != std::string::npos) {
        throw core::UsageError(fmt::format("{}: the URL holds %00 (a NUL byte)", origin));
    }
    return decoded;
}

std::map<std::string, std::string> parse_query(std::string_view query, std::string_view origin) {
    std::map<std::string, std::string> params;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            throw core::UsageError(fmt::format("{}: query parameter without a value", origin));
        }
        params[percent_decode(pair.substr(0, eq), origin)] = percent_decode(pair.substr(eq + 1), origin);
    }
    return params;
}

DatabaseUrl parse_sqlite(std::string_view rest, std::string_view origin) {
    // sqlite:PATH, sqlite://PATH (relative) and sqlite:///ABS all name a file.
    if (rest.starts_with("//")) rest.remove_prefix(2);
    DatabaseUrl url;
    url.scheme = DatabaseScheme::Sqlite;
    url.path = percent_decode(rest, origin);
    if (url.path.empty()) throw core::UsageError(fmt::format("{}: sqlite: URL without a file path", origin));
    return url;
}

DatabaseUrl parse_server(std::string_view text, DatabaseScheme scheme, std::string_view origin) {
    CurlUrl handle(curl_url(), curl_url_cleanup);
    const std::string owned(text);
    if (!handle || curl_url_set(handle.get(), CURLUPART_URL, owned.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        throw core::UsageError(fmt::format("{}: malformed {} URL (expected {}://user[:password]@host[:port]/database)",
                                           origin, scheme == DatabaseScheme::Mysql ? "mysql" : "postgresql",
                                           scheme == DatabaseScheme::Mysql ? "mysql" : "postgresql"));
    }
    DatabaseUrl url;
    url.scheme = scheme;
    url.password = url_part(handle.get(), CURLUPART_PASSWORD).value_or("");
    core::register_secret(url.password);
    url.user = url_part(handle.get(), CURLUPART_USER).value_or("");
    url.host = url_part(handle.get(), CURLUPART_HOST).value_or("");
    if (url.host.size() > 2 && url.host.front() == '[' && url.host.back() == ']') {
        url.host = url.host.substr(1, url.host.size() - 2);
    }
    if (auto port = url_part(handle.get(), CURLUPART_PORT)) {
        int value = 0;
        auto [ptr, ec] = std::from_chars(port->data(), port->data() + port->size(), value);
        if (ec != std::errc{} || ptr != port->data() + port->size() || value <= 0 || value > 65535) {
            throw core::UsageError(fmt::format("{}: bad port in database URL", origin));
        }
        url.port = value;
    }
    std::string path = url_part(handle.get(), CURLUPART_PATH).value_or("/");
    url.database = path.size() > 1 ? path.substr(1) : "";
    // The query is decoded pair by pair, so '&' and '=' inside values survive.
    char* raw_query = nullptr;
    if (curl_url_get(handle.get(), CURLUPART_QUERY, &raw_query, 0) == CURLUE_OK && raw_query != nullptr) {
        CurlString owned_query(raw_query, curl_free);
        url.params = parse_query(raw_query, origin);
        for (const char* key : {"password", "sslpassword"}) {
            if (auto it = url.params.find(key); it != url.params.end()) core::register_secret(it->second);
        }
    }
    if (url.host.empty() && !url.params.contains("socket") && !url.params.contains("host")) {
        throw core::UsageError(fmt::format("{}: database URL without a host", origin));
    }
    if (url.database.empty()) throw core::UsageError(fmt::format("{}: database URL without a database name", origin));
    if (url.database.find('/') != std::string::npos) {
        throw core::UsageError(fmt::format("{}: database name must not contain '/'", origin));
    }
    return url;
}

}  // namespace

std::string_view known_database_schemes() { return "sqlite:PATH, postgresql://..., mysql://..."; }

DatabaseUrl DatabaseUrl::parse(std::string_view text, std::string_view origin) {
    if (text.starts_with("sqlite:")) return parse_sqlite(text.substr(7), origin);
    if (text.starts_with("sqlite3:")) return parse_sqlite(text.substr(8), origin);
    if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
        return parse_server(text, DatabaseScheme::Postgresql, origin);
    }
    if (text.starts_with("mysql://") || text.starts_with("mariadb://")) {
        return parse_server(text, DatabaseScheme::Mysql, origin);
    }
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos && colon < 20 && text.find('@') == std::string_view::npos) {
        throw core::UsageError(fmt::format("{}: unknown database scheme '{}:' (known: {})", origin,
                                           text.substr(0, colon), known_database_schemes()));
    }
    throw core::UsageError(
        fmt::format("{}: not a database URL (known: {})", origin, known_database_schemes()));
}

std::string_view DatabaseUrl::scheme_name() const {
    switch (scheme) {
        case DatabaseScheme::Sqlite: return "sqlite";
        case DatabaseScheme::Postgresql: return "postgresql";
        case DatabaseScheme::Mysql: return "mysql";
    }
    return "?";
}

std::string DatabaseUrl::endpoint() const {
    if (scheme == DatabaseScheme::Sqlite) return path;
    if (auto socket = params.find("socket"); socket != params.end()) return socket->second;
    if (host.empty()) {
        if (auto h = params.find("host"); h != params.end()) return h->second;
    }
    const bool v6 = host.find(':') != std::string::npos;
    const std::string shown = v6 ? "[" + host + "]" : host;
    return port ? fmt::format("{}:{}", shown, *port) : shown;
}

std::string DatabaseUrl::redacted() const {
    if (scheme == DatabaseScheme::Sqlite) return "sqlite:" + path;
    std::string out = fmt::format("{}://", scheme_name());
    if (!user.empty()) {
        out += user;
        if (!password.empty()) out += ":****";
        out += "@";
    }
    const bool v6 = host.find(':') != std::string::npos;
    out += v6 ? "[" + host + "]" : host;
    if (port) out += fmt::format(":{}", *port);
    out += "/" + database;
    char sep = '?';
    for (const auto& [key, value] : params) {
        const bool sensitive = key == "password" || key == "sslpassword";
        out += fmt::format("{}{}={}", sep, key, sensitive ? "****" : value);
        sep = '&';
    }
    return out;
}

}  // namespace ss::config
