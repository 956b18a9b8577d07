#include "app/signals.hpp"

#include <csignal>

#include <atomic>

namespace ss::app {
namespace {

std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int signal) {
    if (g_signal.exchange(signal) != 0) {
        std::signal(signal, SIG_DFL);  // the second one is not gentle
        std::raise(signal);
    }
}

}  // namespace

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = &on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_signal.load() != 0; }
int stop_signal() { return g_signal.load(); }

}  // namespace ss::app
