#include "app/commands.hpp"

#include "app/setup.hpp"

#include <cstdio>

namespace ss::app {

ExitStatus show_config_command(const CommonOptions& options) {
    const auto path = config_file_path(options);
    const auto loaded = load_configuration(options);
    std::printf("# config file: %s\n", path ? path->c_str() : "(none)");
    for (const auto& line : config::describe(loaded)) std::printf("%s\n", line.c_str());
    return ExitStatus::Success;
}

}  // namespace ss::app
