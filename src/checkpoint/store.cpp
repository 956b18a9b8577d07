#include "checkpoint/store.hpp"

#include "checkpoint/file_store.hpp"
#include "core/error.hpp"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

namespace ss::checkpoint {

std::string default_checkpoint_location() {
    if (const char* state = std::getenv("STATE_DIRECTORY"); state && *state) {
        // systemd may pass several, colon-separated: the first is ours.
        std::string dir(state);
        dir = dir.substr(0, dir.find(':'));
        return dir + "/checkpoint.json";
    }
    if (::geteuid() == 0) return "/var/lib/snapshot-sync/checkpoint.json";
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) {
        return std::string(xdg) + "/snapshot-sync/checkpoint.json";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return std::string(home) + "/.local/state/snapshot-sync/checkpoint.json";
    }
    return "snapshot-sync-checkpoint.json";
}

std::string compiled_checkpoint_stores() { return "file"; }

std::unique_ptr<CheckpointStore> open_checkpoint_store(const std::string& location, const source::Shard& shard,
                                                       const std::string&, Access access) {
    std::string path = location;
    if (path.starts_with("file:")) path = path.substr(5);
    const auto colon = path.find("://");
    if (colon != std::string::npos || path.starts_with("sqlite:")) {
        throw core::UsageError(fmt::format("checkpoint.location: '{}' stores are not available in this build; "
                                           "give a file path",
                                           path.substr(0, path.find(':'))));
    }
    if (path.empty()) throw core::UsageError("checkpoint.location: empty path");
    return open_file_store(shard_file_path(path, shard), access);
}

}  // namespace ss::checkpoint
