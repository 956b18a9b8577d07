#pragma once
// Starts tests/fake_segment (a real HTTP server on 127.0.0.1, ephemeral
// port) for one test and reads back what it received.

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ss::test {

class FakeSegment {
public:
    // `args` are fake-segment's own options (--script, --poison, --write-key...).
    explicit FakeSegment(std::vector<std::string> args = {});
    ~FakeSegment();

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    int port() const { return m_port; }
    // Every message of every batch answered 2xx, in arrival order.
    std::vector<nlohmann::json> messages() const;
    // One record per request (see fake_segment.cpp).
    std::vector<nlohmann::json> requests() const;
    void stop();

private:
    TempDir m_dir;
    std::unique_ptr<ChildProcess> m_process;
    int m_port = 0;
};

std::vector<nlohmann::json> read_json_lines(const std::string& text);

}  // namespace ss::test
