#pragma once

#include "checkpoint/store.hpp"

namespace ss::checkpoint {

// The path a shard's checkpoint file has: "dir/checkpoint.json" becomes
// "dir/checkpoint.shard-0-of-3.json".
std::string shard_file_path(const std::string& path, const source::Shard& shard);

// A JSON file replaced atomically (write a temporary file, fsync, rename,
// fsync the directory), locked with flock() while the run holds it.
std::unique_ptr<CheckpointStore> open_file_store(const std::string& path);

}  // namespace ss::checkpoint
