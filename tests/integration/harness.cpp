#include "harness.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace ss::test {

Scenario::Scenario(int accounts, std::vector<std::string> demo_args) : m_db(m_dir.file("fizzy.sqlite3")) {
    std::vector<std::string> args{"demo-db", m_db, "--accounts", std::to_string(accounts), "--seed", "7", "--now", k_now};
    args.insert(args.end(), demo_args.begin(), demo_args.end());
    const auto r = run_snapshot_sync(args, {});
    if (r.exit_code != 0) throw std::runtime_error("demo-db failed: " + r.err);
}

void Scenario::configure(const std::string& host, const std::string& extra) {
    std::ostringstream toml;
    toml << "[database]\nurl = \"sqlite:" << m_db << "\"\nchunk_size = 500\n"
         << "[segment]\nhost = \"" << host << "\"\nmessages_per_second = 0\nbatch_size = " << m_batch_size << "\n"
         << "backoff_initial = 0.01\nbackoff_max = 0.05\nmax_retries = 5\nconnect_timeout = 2\nrequest_timeout = 5\n"
         << "[checkpoint]\nlocation = \"" << checkpoint_path() << "\"\n"
         << extra << "\n";
    write_text(m_dir.file("config.toml"), toml.str());
}

std::map<std::string, std::string> Scenario::env() const {
    return {{"SEGMENT_WRITE_KEY", k_write_key}, {"SNAPSHOT_SYNC_LOG_FORMAT", "json"}};
}

ProcessResult Scenario::run(std::vector<std::string> args, std::map<std::string, std::string> extra_env,
                            std::chrono::milliseconds timeout) const {
    std::vector<std::string> full{"run", "--config", m_dir.file("config.toml"), "--as-of", k_now};
    full.insert(full.end(), args.begin(), args.end());
    auto e = env();
    for (auto& [k, v] : extra_env) e[k] = v;
    return run_snapshot_sync(full, e, timeout);
}

ProcessResult Scenario::dry_run(std::vector<std::string> args) const {
    std::vector<std::string> full{"run", "--dry-run", "--as-of", k_now};
    full.insert(full.end(), args.begin(), args.end());
    return run_snapshot_sync(full, {{"SNAPSHOT_SYNC_DATABASE_URL", "sqlite:" + m_db}, {"SNAPSHOT_SYNC_LOG_FORMAT", "json"}});
}

std::vector<nlohmann::json> parse_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line);
        EXPECT_TRUE(j.is_object()) << line;
        out.push_back(std::move(j));
    }
    return out;
}

std::map<std::string, std::vector<nlohmann::json>> by_group(const std::vector<nlohmann::json>& messages) {
    std::map<std::string, std::vector<nlohmann::json>> out;
    for (const auto& m : messages) out[m.at("groupId").get<std::string>()].push_back(m);
    return out;
}

std::set<std::string> group_ids(const std::vector<nlohmann::json>& messages) {
    std::set<std::string> out;
    for (const auto& m : messages) out.insert(m.at("groupId").get<std::string>());
    return out;
}

std::string last_line(const std::string& text) {
    std::string t = text;
    while (!t.empty() && t.back() == '\n') t.pop_back();
    const auto p = t.rfind('\n');
    return p == std::string::npos ? t : t.substr(p + 1);
}

}  // namespace ss::test
