#pragma once
// Runs the real snapshot-sync binary (and other programs) from tests: a
// child process with a chosen environment, its output captured to files,
// waited for with a timeout (a hung child is killed, never waited on
// forever).

#include <chrono>
#include <csignal>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ss::test {

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal
    int signal = 0;      // the signal that ended it, 0 when it exited
    bool timed_out = false;
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::vector<std::string> args;  // args[0] is the program (a path)
    // The child's whole environment is PATH, HOME, TZ and these (nothing
    // leaks in from the test runner's environment).
    std::map<std::string, std::string> env;
    std::optional<std::string> stdin_text;
    std::chrono::milliseconds timeout{std::chrono::seconds(120)};
};

class ChildProcess {
public:
    explicit ChildProcess(const ProcessOptions& options);
    ~ChildProcess();  // kills and reaps a child still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return m_pid; }
    void kill(int signal = SIGKILL);
    // Waits for the end (at most the timeout given at start, then SIGKILL).
    ProcessResult wait();
    // Whether it has already ended (reaps it if so).
    bool finished();
    // What it has written to stdout so far.
    std::string stdout_so_far() const;

private:
    pid_t m_pid = -1;
    std::string m_dir;
    std::chrono::steady_clock::time_point m_deadline;
    std::optional<int> m_status;
};

ProcessResult run_process(const ProcessOptions& options);

// The snapshot-sync binary under test (set by CMake).
std::string snapshot_sync_binary();
// The fake Segment endpoint binary (set by CMake).
std::string fake_segment_binary();

// run_process with args {snapshot_sync_binary(), args...}.
ProcessResult run_snapshot_sync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                                std::chrono::milliseconds timeout = std::chrono::seconds(180));

}  // namespace ss::test
