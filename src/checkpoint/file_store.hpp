#pragma once

#include "checkpoint/store.hpp"

namespace ss::checkpoint {

// The path a shard's checkpoint file has: "dir/checkpoint.json" becomes
// "dir/checkpoint.shard-0-of-3.json".
std::string shard_file_path(const std::string& path, const source::Shard& shard);

// Files beside each other:
//   PATH                    the checkpoint, JSON, replaced atomically
//   PATH.fingerprints       the last finished snapshot's fingerprints
//   PATH.fingerprints.new   this snapshot's, appended as batches settle;
//                           the checkpoint says how many records are committed
//   PATH.lock               flock()ed while a run holds the store
// Fingerprint files: an 8-byte header "SSFP\x01\0\0\0", then 24-byte records
// (16-byte account id, 8-byte fingerprint, big-endian), ascending by id.
std::unique_ptr<CheckpointStore> open_file_store(const std::string& path, Access access = Access::ReadWrite);

}  // namespace ss::checkpoint
