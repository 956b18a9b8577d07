// Fuzzes the configuration file parser: config::load_config on a file
// holding the input, then `snapshot-sync config`'s rendering of the result.
// A file the job cannot use must be a core::UsageError (exit 2, one line);
// any other exception, crash or sanitizer report is a finding.

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/secrets.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = ss::fuzz::scratch_dir() / "snapshot-sync.toml";
    ss::fuzz::write_file(path, data, size);
    try {
        const auto loaded = ss::config::load_config(path.string(), {});
        (void)ss::config::describe(loaded);
    } catch (const ss::core::UsageError&) {
    }
    // Secrets registered by one input must not pile up over millions of them.
    ss::core::clear_secrets_for_testing();
    return 0;
}
