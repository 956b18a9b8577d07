#include "core/secrets.hpp"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace ss::core {
namespace {

std::shared_mutex g_mutex;
std::vector<std::string> g_secrets;  // longest first, so a secret containing another is replaced whole

}  // namespace

void register_secret(std::string_view secret) {
    if (secret.size() < 3) return;
    std::unique_lock lock(g_mutex);
    if (std::find(g_secrets.begin(), g_secrets.end(), secret) != g_secrets.end()) return;
    g_secrets.emplace_back(secret);
    std::sort(g_secrets.begin(), g_secrets.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redact(std::string_view text) {
    std::string out(text);
    std::shared_lock lock(g_mutex);
    for (const auto& secret : g_secrets) {
        for (std::size_t pos = out.find(secret); pos != std::string::npos;
             pos = out.find(secret, pos + k_redacted.size())) {
            out.replace(pos, secret.size(), k_redacted);
        }
    }
    return out;
}

void clear_secrets_for_testing() {
    std::unique_lock lock(g_mutex);
    g_secrets.clear();
}

}  // namespace ss::core
