#include "batch/batch.hpp"

namespace ss::batch {
namespace {

constexpr std::string_view k_head = R"({"batch":[)";
constexpr std::string_view k_tail = R"(],"sentAt":")";
constexpr std::string_view k_end = R"("})";
constexpr std::size_t k_sent_at_width = 24;  // 2026-12-03T00:00:00.000Z

}  // namespace

std::size_t body_size(std::size_t messages_json_bytes, std::size_t message_count) {
    const std::size_t commas = message_count > 0 ? message_count - 1 : 0;
    return k_head.size() + messages_json_bytes + commas + k_tail.size() + k_sent_at_width + k_end.size();
}

std::string render_body(std::span<const message::EncodedMessage> messages, std::string_view sent_at) {
    std::string body;
    render_body(messages, sent_at, body);
    return body;
}

void render_body(std::span<const message::EncodedMessage> messages, std::string_view sent_at, std::string& body) {
    std::size_t json_bytes = 0;
    for (const auto& m : messages) json_bytes += m.json.size();
    body.clear();
    body.reserve(body_size(json_bytes, messages.size()));
    body += k_head;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i > 0) body += ',';
        body += messages[i].json;
    }
    body += k_tail;
    body += sent_at;
    body += k_end;
}

Batcher::Batcher(BatchLimits limits, Emit emit) : m_limits(limits), m_emit(std::move(emit)) {}

void Batcher::add(message::EncodedMessage message, bool unknown_plan) {
    const std::size_t count = m_current.messages.size();
    if (count > 0 && body_size(m_json_bytes + message.json.size(), count + 1) > m_limits.max_body_bytes) close();
    m_json_bytes += message.json.size();
    if (unknown_plan) ++m_current.unknown_plans;
    m_last_seen = message.account;
    m_current.messages.push_back(std::move(message));
    if (m_current.messages.size() >= m_limits.max_messages) close();
}

void Batcher::fail(AccountFailure failure) {
    m_last_seen = failure.account;
    m_current.failures.push_back(std::move(failure));
}

void Batcher::skip_unchanged(const UnchangedAccount& account) {
    m_last_seen = account.account;
    m_current.unchanged.push_back(account);
}

void Batcher::emit_progress() {
    if (m_current.messages.empty() && m_last_seen != m_last_emitted_watermark) close();
}

void Batcher::finish() {
    if (!m_current.messages.empty() || m_last_seen != m_last_emitted_watermark) close();
}

void Batcher::close() {
    m_current.sequence = m_next_sequence++;
    m_current.body_bytes = body_size(m_json_bytes, m_current.messages.size());
    m_current.watermark = m_last_seen;
    m_last_emitted_watermark = m_last_seen;
    Batch out = std::move(m_current);
    m_current = Batch{};
    m_json_bytes = 0;
    m_emit(std::move(out));
}

}  // namespace ss::batch
