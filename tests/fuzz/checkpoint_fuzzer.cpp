// Fuzzes the checkpoint parser: checkpoint::parse_checkpoint. A checkpoint
// the job cannot read must be a core::UsageError (exit 2: never a silent
// fresh start); any other exception, crash or sanitizer report is a
// finding. What parses must also survive a round trip: the job writes it
// back (serialize) and must read its own file again, to the same text.

#include "checkpoint/checkpoint.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

#include <cstdio>
#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::optional<ss::checkpoint::Checkpoint> parsed;
    try {
        parsed = ss::checkpoint::parse_checkpoint(ss::fuzz::as_text(data, size), "checkpoint.json");
    } catch (const ss::core::UsageError&) {
        return 0;
    }
    const std::string written = ss::checkpoint::serialize(*parsed);
    // Outside the try: a checkpoint the job wrote itself and then refuses is a finding too.
    const auto reread = ss::checkpoint::parse_checkpoint(written, "checkpoint.json");
    if (ss::checkpoint::serialize(reread) != written || !(reread == *parsed)) {
        std::fprintf(stderr, "checkpoint does not round-trip:\n%s\n---\n%s\n", written.c_str(),
                     ss::checkpoint::serialize(reread).c_str());
        std::abort();
    }
    return 0;
}
