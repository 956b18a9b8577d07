#pragma once
// Shared setup for the end-to-end tests: a demo database, a config file
// pointing at a fake Segment endpoint, and the real binary.

#include "support/fake_segment.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ss::test {

inline constexpr const char* k_now = "2026-11-20T08:00:00Z";  // demo data's reference instant and the runs' as_of
inline constexpr const char* k_write_key = "wk_test_Zq8vN2xR7pLm";

class Scenario {
public:
    // A demo database of `accounts` accounts (seed 7).
    explicit Scenario(int accounts, std::vector<std::string> demo_args = {});

    const std::string& db_path() const { return m_db; }
    std::string checkpoint_path() const { return m_dir.file("state/checkpoint.json"); }
    std::string file(const std::string& name) const { return m_dir.file(name); }

    // Writes config.toml: the database, `host` and fast retries, plus `extra` TOML lines.
    void configure(const std::string& host, const std::string& extra = "");
    void set_batch_size(int size) { m_batch_size = size; }
    std::map<std::string, std::string> env() const;

    ProcessResult run(std::vector<std::string> args = {}, std::map<std::string, std::string> extra_env = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(180)) const;
    ProcessResult dry_run(std::vector<std::string> args = {}) const;

private:
    TempDir m_dir;
    std::string m_db;
    int m_batch_size = 100;
};

// Parses NDJSON; every line must be a JSON object.
std::vector<nlohmann::json> parse_lines(const std::string& text);
// groupId -> messages received for it.
std::map<std::string, std::vector<nlohmann::json>> by_group(const std::vector<nlohmann::json>& messages);
std::set<std::string> group_ids(const std::vector<nlohmann::json>& messages);
// The last line of stderr (the one-line error of a failed start).
std::string last_line(const std::string& text);

}  // namespace ss::test
