#include "message/group_message.hpp"

#include "core/sha256.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>

#include <nlohmann/json.hpp>

namespace ss::message {
namespace {

using Json = nlohmann::ordered_json;

// Invalid UTF-8 in a name becomes U+FFFD instead of an exception.
std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Most values (ids, dates, plan keys, most names) need no escaping at all:
// quote them directly, and leave everything else to nlohmann.
std::string json_string(const std::string& value) {
    const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
    });
    if (!plain) return dump(Json(value));
    std::string out;
    out.reserve(value.size() + 2);
    out += '"';
    out += value;
    out += '"';
    return out;
}

std::uint64_t first_8_bytes(const core::Sha256Digest& digest) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | digest[i];
    return value;
}

}  // namespace

GroupMessageEncoder::GroupMessageEncoder(core::Instant as_of, std::string job_name, std::string version)
    : m_timestamp(core::format_iso8601(as_of)), m_job_name(std::move(job_name)) {
    Json context;
    context["library"] = Json{{"name", "snapshot-sync"}, {"version", std::move(version)}};
    m_context = dump(context);
}

std::string GroupMessageEncoder::traits_json(const traits::Traits& t) {
    // Written field by field (this runs for every account); strings go
    // through nlohmann's escaping, which also repairs invalid UTF-8.
    std::string out;
    out.reserve(320 + t.name.size());
    auto string_field = [&out](std::string_view key, const std::string& value) {
        out += key;
        out += json_string(value);
    };
    auto integer_field = [&out](std::string_view key, std::optional<std::int64_t> value) {
        out += key;
        if (!value) {
            out += "null";
            return;
        }
        char digits[24];
        const auto end = std::to_chars(std::begin(digits), std::end(digits), *value).ptr;
        out.append(digits, end);
    };
    string_field(R"({"name":)", t.name);
    string_field(R"(,"plan":)", t.plan);
    string_field(R"(,"created_at":)", t.created_at);
    integer_field(R"(,"user_count":)", t.user_count);
    integer_field(R"(,"board_count":)", t.board_count);
    integer_field(R"(,"card_count":)", t.card_count);
    integer_field(R"(,"active_user_count_30d":)", t.active_user_count_30d);
    integer_field(R"(,"storage_used_bytes":)", t.storage_used_bytes);
    integer_field(R"(,"mrr":)", t.mrr);
    integer_field(R"(,"webhook_count":)", t.webhook_count);
    out += t.has_join_code ? R"(,"has_join_code":true)" : R"(,"has_join_code":false)";
    integer_field(R"(,"entropy_period_days":)", t.entropy_period_days);
    out += '}';
    return out;
}

EncodedMessage GroupMessageEncoder::encode(const traits::AccountSnapshot& snapshot) const {
    const std::string group_id = snapshot.account.to_base36();
    const bool anonymous = snapshot.identity.kind == traits::Identity::Kind::AnonymousId;
    const std::string_view identity_key = anonymous ? "anonymousId" : "userId";
    const std::string identity_value = json_string(snapshot.identity.value);
    const std::string traits = traits_json(snapshot.traits);

    // What the account says, independent of when: the change fingerprint.
    const auto content = core::Sha256().update(identity_key).update(":").update(identity_value).update("\n").update(traits).finish();
    // What this message says, including when: the messageId. The same
    // account, as_of, identity and traits always give the same id.
    const auto id_digest = core::Sha256()
                               .update(group_id)
                               .update("\n")
                               .update(m_timestamp)
                               .update("\n")
                               .update({reinterpret_cast<const char*>(content.data()), content.size()})
                               .finish();

    EncodedMessage out;
    out.account = snapshot.account;
    out.fingerprint = first_8_bytes(content);
    std::string& json = out.json;
    json.reserve(traits.size() + m_context.size() + m_job_name.size() + 200);
    json += R"({"type":"group","groupId":")";
    json += group_id;
    json += R"(",")";
    json += identity_key;
    json += R"(":)";
    json += identity_value;
    json += R"(,"traits":)";
    json += traits;
    json += R"(,"timestamp":")";
    json += m_timestamp;
    json += R"(","messageId":")";
    json += m_job_name;
    json += '-';
    json += core::to_hex(id_digest, 16);
    json += R"(","context":)";
    json += m_context;
    json += '}';
    return out;
}

}  // namespace ss::message
