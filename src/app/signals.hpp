#pragma once
// SIGTERM and SIGINT ask the run to stop gracefully: batches being sent
// finish and the checkpoint is saved. A second signal ends the process at
// once. SIGPIPE is ignored (a closed pipe is an error return instead).

namespace ss::app {

void install_signal_handlers();
bool stop_requested();
// The signal that asked for the stop (0 when none).
int stop_signal();

}  // namespace ss::app
