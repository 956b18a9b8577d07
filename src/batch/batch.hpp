#pragma once
// The batch stage: messages in account order are cut into /v1/batch request
// bodies within Segment's limits (SPEC §5). Each batch carries a watermark:
// once it and every batch before it are settled, every account up to the
// watermark is settled, which is what the checkpoint records.

#include "core/uuid.hpp"
#include "message/group_message.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ss::batch {

struct BatchLimits {
    std::size_t max_messages = 2500;        // Segment drops events past 2,500 silently
    std::size_t max_body_bytes = 500'000;   // uncompressed body, sentAt included
    std::size_t max_message_bytes = 32'768;

    bool message_too_large(const message::EncodedMessage& m) const { return m.json.size() > max_message_bytes; }
};

// An account the run reports as not sent, and why.
struct AccountFailure {
    core::Uuid account;
    std::string reason;
};

// An account whose traits Segment already has (change detection).
struct UnchangedAccount {
    core::Uuid account;
    std::uint64_t fingerprint = 0;
};

struct Batch {
    std::uint64_t sequence = 0;  // 0, 1, 2, ... in account order
    std::vector<message::EncodedMessage> messages;
    // Accounts settled without a message since the previous batch. They count
    // once this batch settles, so resumed runs never count them twice.
    std::vector<AccountFailure> failures;  // unmappable or too large
    std::vector<UnchangedAccount> unchanged;  // skipped by change detection, in account order
    std::size_t unknown_plans = 0;         // sent with mrr null
    std::size_t body_bytes = 0;  // size of the rendered body
    // Every account <= watermark has been read and given to this or an
    // earlier batch (or settled without a message). Unset: nothing read yet.
    std::optional<core::Uuid> watermark;
};

// The request body: {"batch":[...],"sentAt":"..."}. sent_at is regenerated
// on every attempt by the sink.
std::string render_body(std::span<const message::EncodedMessage> messages, std::string_view sent_at);
// The same into `body`, reusing its capacity.
void render_body(std::span<const message::EncodedMessage> messages, std::string_view sent_at, std::string& body);
// The size render_body will produce (sent_at has a fixed width).
std::size_t body_size(std::size_t messages_json_bytes, std::size_t message_count);

class Batcher {
public:
    using Emit = std::function<void(Batch&&)>;

    Batcher(BatchLimits limits, Emit emit);

    // Adds the next message in account order, emitting the current batch
    // first when the message would not fit, and this batch when it is full.
    // The caller has rejected oversized messages (limits().message_too_large).
    // `unknown_plan` counts the message in the batch that carries it.
    void add(message::EncodedMessage message, bool unknown_plan = false);
    // Records an account that gets no message: it is settled once the
    // messages before it are.
    void fail(AccountFailure failure);
    void skip_unchanged(const UnchangedAccount& account);
    // Emits a message-less batch when the watermark moved past the last
    // emitted one with nothing pending, so progress made only of settled
    // accounts is checkpointed too.
    void emit_progress();
    // Emits what is pending (possibly a message-less batch) at the end.
    void finish();

    const BatchLimits& limits() const { return m_limits; }

private:
    void close();

    BatchLimits m_limits;
    Emit m_emit;
    Batch m_current;
    std::size_t m_json_bytes = 0;
    std::optional<core::Uuid> m_last_seen;
    std::optional<core::Uuid> m_last_emitted_watermark;
    std::uint64_t m_next_sequence = 0;
};

}  // namespace ss::batch
