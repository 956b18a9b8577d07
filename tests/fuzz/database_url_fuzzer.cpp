// Fuzzes the database URL parser: config::DatabaseUrl::parse, then every
// way a parsed URL is printed. A URL the job cannot use must be a
// core::UsageError; any other exception, crash or sanitizer report is a
// finding. The redacted form, the only one ever printed, must show ****
// wherever the password would be.

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "core/secrets.hpp"
#include "fuzz_support.hpp"

#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto url = ss::config::DatabaseUrl::parse(ss::fuzz::as_text(data, size), "SNAPSHOT_SYNC_DATABASE_URL");
        const std::string shown = url.redacted();
        (void)url.endpoint();
        (void)url.scheme_name();
        // Where the password would show, the redacted form has ****: after the user, and as
        // the value of a password or sslpassword parameter. (A substring test would misfire:
        // the password's text may also make up visible parts of the URL.)
        const bool server = url.scheme != ss::config::DatabaseScheme::Sqlite;
        std::string expected = server ? std::string(url.scheme_name()) + "://" : "sqlite:";
        if (server && !url.user.empty()) expected += url.user + (url.password.empty() ? "" : ":****") + "@";
        bool redacted = shown.starts_with(expected);
        for (const auto& [key, value] : url.params) {
            if (key == "password" || key == "sslpassword") redacted = redacted && shown.find(key + "=****") != std::string::npos;
        }
        if (!redacted) {
            std::fprintf(stderr, "the redacted URL may show the password: %s\n", shown.c_str());
            std::abort();
        }
    } catch (const ss::core::UsageError&) {
    }
    ss::core::clear_secrets_for_testing();
    return 0;
}
