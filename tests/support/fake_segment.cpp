#include "support/fake_segment.hpp"

#include <sstream>
#include <stdexcept>
#include <thread>

namespace ss::test {

FakeSegment::FakeSegment(std::vector<std::string> args) {
    ProcessOptions options;
    options.args = {fake_segment_binary(), "--port", "0", "--log", m_dir.file("messages.ndjson"), "--requests-log",
                    m_dir.file("requests.ndjson"), "--max-lifetime", "900"};
    options.args.insert(options.args.end(), args.begin(), args.end());
    options.timeout = std::chrono::seconds(900);
    m_process = std::make_unique<ChildProcess>(options);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string out = m_process->stdout_so_far();
        if (auto p = out.find("listening 127.0.0.1:"); p != std::string::npos && out.find('\n', p) != std::string::npos) {
            m_port = std::stoi(out.substr(p + 20));
            return;
        }
        if (m_process->finished()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("fake-segment did not start: " + m_process->wait().err);
}

FakeSegment::~FakeSegment() { stop(); }

void FakeSegment::stop() {
    if (m_process) {
        m_process->kill(SIGKILL);
        m_process->wait();
        m_process.reset();
    }
}

std::vector<nlohmann::json> read_json_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
}

namespace {

// The server may still be writing a batch when a test reads its log (a
// killed client's request is still being handled): only lines that end in a
// newline are complete, and the server logs a batch before it answers it,
// so a partial last line is a request nobody has had an answer to yet.
std::string complete_lines(std::string text) {
    const auto last_newline = text.rfind('\n');
    text.resize(last_newline == std::string::npos ? 0 : last_newline + 1);
    return text;
}

}  // namespace

std::vector<nlohmann::json> FakeSegment::messages() const {
    return read_json_lines(complete_lines(read_text(m_dir.file("messages.ndjson"))));
}

std::vector<nlohmann::json> FakeSegment::requests() const {
    return read_json_lines(complete_lines(read_text(m_dir.file("requests.ndjson"))));
}

}  // namespace ss::test
