// Fuzzes the fingerprint file reader of the file checkpoint store: a store
// whose PATH.fingerprints holds the input, read through
// acknowledged_fingerprints() and find() the way --changed-only does. A
// file that is not a fingerprint file must be a core::UsageError; any
// other exception, crash or sanitizer report is a finding. A well-formed
// file (records ascending by id) must give back every record.

#include "checkpoint/file_store.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

constexpr std::size_t k_header_size = 8;
constexpr std::size_t k_record_size = 24;

struct Record {
    ss::core::Uuid account;
    std::uint64_t fingerprint = 0;
};

// The records as the file format defines them, when the input has that shape.
std::vector<Record> records_of(const std::uint8_t* data, std::size_t size) {
    std::vector<Record> records;
    if (size < k_header_size || (size - k_header_size) % k_record_size != 0) return records;
    for (std::size_t at = k_header_size; at + k_record_size <= size; at += k_record_size) {
        Record r;
        r.account = *ss::core::Uuid::from_bytes(ss::fuzz::as_text(data + at, 16));
        for (std::size_t i = 16; i < 24; ++i) r.fingerprint = (r.fingerprint << 8) | data[at + i];
        records.push_back(r);
    }
    return records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = ss::fuzz::scratch_dir() / "checkpoint.json";
    ss::fuzz::write_file(path.string() + ".fingerprints", data, size);
    const auto records = records_of(data, size);
    const bool ascending = std::adjacent_find(records.begin(), records.end(), [](const Record& a, const Record& b) {
                               return !(a.account < b.account);
                           }) == records.end();
    try {
        auto store = ss::checkpoint::open_file_store(path.string(), ss::checkpoint::Access::ReadOnly);
        // From the start, looking every record up in id order, with misses in between.
        auto cursor = store->acknowledged_fingerprints(std::nullopt);
        for (const auto& r : records) {
            (void)cursor->find(r.account.predecessor());
            const auto found = cursor->find(r.account);
            if (ascending && found != r.fingerprint) {
                std::fprintf(stderr, "record %s not found in a well-formed file\n", r.account.to_hex().c_str());
                std::abort();
            }
        }
        // Resuming after the middle record, as a resumed run does.
        if (!records.empty()) {
            const auto& middle = records[records.size() / 2];
            auto resumed = store->acknowledged_fingerprints(middle.account);
            for (const auto& r : records) (void)resumed->find(r.account);
        }
    } catch (const ss::core::UsageError&) {
    }
    return 0;
}
