#pragma once
// What the job should send, computed the slow and obvious way: every row of
// a SQLite database read into memory with plain SELECT *-style scans, and
// each trait of SPEC §2/§3 computed in C++ from those rows. It shares no
// code and no SQL with the product, so agreement means something.

#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace ss::test {

struct ExpectedMessage {
    std::string group_id;
    std::string identity_key;  // "userId" or "anonymousId"
    std::string identity_value;
    nlohmann::json traits;
};

struct ReferenceOptions {
    std::chrono::sys_seconds as_of;
    bool billing = true;  // use account_subscriptions when the table exists
    std::map<std::string, long long> prices{{"free", 0}, {"unlimited", 2000}, {"unlimited_extra_storage", 2500}};
};

// Keyed by groupId (base 36).
std::map<std::string, ExpectedMessage> reference_messages(const std::string& sqlite_path, const ReferenceOptions& options);

// 16 raw bytes to the app's base-36 rendering, computed independently of the product's code.
std::string base36_of_bytes(const std::string& raw16);

}  // namespace ss::test
