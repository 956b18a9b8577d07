#pragma once
// A small handcrafted Fizzy dataset with the edge cases of SPEC §2/§3, and
// the traits each account must get, worked out by hand. Written through
// demo::DemoWriter, so the same rows go into SQLite, PostgreSQL and MariaDB.

#include "core/time.hpp"
#include "demo/writer.hpp"

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace ss::test {

struct EdgeCaseAccount {
    std::string label;     // what it tests
    std::string group_id;  // base 36
    bool eligible = true;
    std::string identity_key;  // "userId" / "anonymousId" with identity.mode = system
    std::string identity_value;
    nlohmann::json traits;  // the 12 traits, by hand
};

struct EdgeCases {
    core::Instant as_of;
    std::vector<EdgeCaseAccount> accounts;
};

// Creates the schema (with account_subscriptions) and writes the rows.
EdgeCases write_edge_cases(demo::DemoWriter& writer);

}  // namespace ss::test
