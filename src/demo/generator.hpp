#pragma once
// Fizzy-shaped demo data, deterministic for a (seed, now) pair: per account
// a system user, an owner and members (some inactive), boards, cards with a
// consistent cards_count, events over 60 days (about 30% in the last 30),
// storage totals plus ledger entries (some after last_entry_id), join
// codes, webhooks (some inactive), account- and board-level entropies,
// subscriptions on several plans (one unpriced), and some cancelled,
// importing and not-yet-created accounts. Sizes are skewed: a few large
// accounts, many small ones, averaging about 10 users, 3 boards, 100 events,
// 10 storage entries and 2 webhooks.

#include "core/time.hpp"
#include "demo/writer.hpp"

#include <cstdint>

namespace ss::demo {

struct DemoOptions {
    std::int64_t accounts = 1000;
    std::uint64_t seed = 1;
    core::Instant now{};              // the reference instant the data is shaped around
    bool subscriptions = true;        // SaaS billing table (absent from self-hosted Fizzy)
    bool invalid_utf8_names = true;   // some names with invalid bytes, where the writer accepts them
};

struct DemoStats {
    std::int64_t rows = 0;
};

DemoStats generate(const DemoOptions& options, DemoWriter& writer);

}  // namespace ss::demo
