#include "support/process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ss::test {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string make_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ss-proc-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

}  // namespace

ChildProcess::ChildProcess(const ProcessOptions& options) : m_dir(make_dir()) {
    m_deadline = std::chrono::steady_clock::now() + options.timeout;
    std::vector<std::string> env_strings;
    for (const char* keep : {"PATH", "HOME", "TZ", "LD_LIBRARY_PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
        if (const char* v = std::getenv(keep); v && !options.env.contains(keep)) env_strings.push_back(std::string(keep) + "=" + v);
    }
    for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = options.args;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    const std::string in_path = m_dir + "/stdin";
    {
        std::ofstream in(in_path, std::ios::binary);
        if (options.stdin_text) in << *options.stdin_text;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, (m_dir + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, (m_dir + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    const int rc = posix_spawn(&m_pid, argv[0], &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("cannot start " + options.args.at(0));
}

ChildProcess::~ChildProcess() {
    if (!m_status) {
        ::kill(m_pid, SIGKILL);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

void ChildProcess::kill(int signal) {
    if (!m_status) ::kill(m_pid, signal);
}

bool ChildProcess::finished() {
    if (m_status) return true;
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) m_status = status;
    return m_status.has_value();
}

std::string ChildProcess::stdout_so_far() const { return read_file(m_dir + "/stdout"); }

ProcessResult ChildProcess::wait() {
    ProcessResult result;
    while (!finished()) {
        if (std::chrono::steady_clock::now() > m_deadline) {
            result.timed_out = true;
            ::kill(m_pid, SIGKILL);
            int status = 0;
            ::waitpid(m_pid, &status, 0);
            m_status = status;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (WIFEXITED(*m_status)) result.exit_code = WEXITSTATUS(*m_status);
    if (WIFSIGNALED(*m_status)) result.signal = WTERMSIG(*m_status);
    result.out = read_file(m_dir + "/stdout");
    result.err = read_file(m_dir + "/stderr");
    return result;
}

ProcessResult run_process(const ProcessOptions& options) { return ChildProcess(options).wait(); }

std::string snapshot_sync_binary() { return SNAPSHOT_SYNC_BINARY; }
std::string fake_segment_binary() { return FAKE_SEGMENT_BINARY; }

ProcessResult run_snapshot_sync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                                std::chrono::milliseconds timeout) {
    ProcessOptions options;
    options.args = {snapshot_sync_binary()};
    options.args.insert(options.args.end(), args.begin(), args.end());
    options.env = env;
    options.timeout = timeout;
    return run_process(options);
}

}  // namespace ss::test
