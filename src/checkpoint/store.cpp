#include "checkpoint/store.hpp"

#include "checkpoint/file_store.hpp"
#include "checkpoint/sql_store.hpp"
#include "config/database_url.hpp"
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

std::string compiled_checkpoint_stores() {
    std::string stores = "file sqlite";
#ifdef SNAPSHOT_SYNC_WITH_POSTGRESQL
    stores += " postgresql";
#endif
#ifdef SNAPSHOT_SYNC_WITH_MYSQL
    stores += " mysql";
#endif
    return stores;
}

std::unique_ptr<CheckpointStore> open_checkpoint_store(const std::string& location, const source::Shard& shard,
                                                       const std::string& job, const StoreOptions& options) {
    if (location.starts_with("sqlite:") || location.find("://") != std::string::npos) {
        const auto url = config::DatabaseUrl::parse(location, "checkpoint.location");
        return open_sql_store(url, shard, job, {options.access, options.password, options.connect_timeout_seconds});
    }
    std::string path = location;
    if (path.starts_with("file:")) path = path.substr(5);
    if (path.empty()) throw core::UsageError("checkpoint.location: empty path");
    return open_file_store(shard_file_path(path, shard), options.access);
}

}  // namespace ss::checkpoint
