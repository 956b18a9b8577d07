#pragma once

namespace ss::app {

// The whole program: parses arguments, runs the command, maps every error
// to one line on stderr and an exit status (exit_status.hpp).
int main(int argc, char** argv);

}  // namespace ss::app
