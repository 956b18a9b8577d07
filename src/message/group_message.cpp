#include "message/group_message.hpp"

#include "core/sha256.hpp"

#include <nlohmann/json.hpp>

namespace ss::message {
namespace {

using Json = nlohmann::ordered_json;

// Invalid UTF-8 in a name becomes U+FFFD instead of an exception.
std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

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
    Json j;
    j["name"] = t.name;
    j["plan"] = t.plan;
    j["created_at"] = t.created_at;
    j["user_count"] = t.user_count;
    j["board_count"] = t.board_count;
    j["card_count"] = t.card_count;
    j["active_user_count_30d"] = t.active_user_count_30d;
    j["storage_used_bytes"] = t.storage_used_bytes;
    j["mrr"] = t.mrr ? Json(*t.mrr) : Json(nullptr);
    j["webhook_count"] = t.webhook_count;
    j["has_join_code"] = t.has_join_code;
    j["entropy_period_days"] = t.entropy_period_days ? Json(*t.entropy_period_days) : Json(nullptr);
    return dump(j);
}

EncodedMessage GroupMessageEncoder::encode(const traits::AccountSnapshot& snapshot) const {
    const std::string group_id = snapshot.account.to_base36();
    const bool anonymous = snapshot.identity.kind == traits::Identity::Kind::AnonymousId;
    const std::string identity_key = anonymous ? "anonymousId" : "userId";
    const std::string identity_value = dump(Json(snapshot.identity.value));
    const std::string traits = traits_json(snapshot.traits);

    // What the account says, independent of when: the change fingerprint.
    const auto content = core::sha256(identity_key + ':' + identity_value + '\n' + traits);
    // What this message says, including when: the messageId. The same
    // account, as_of, identity and traits always give the same id.
    std::string id_input = group_id + '\n' + m_timestamp + '\n';
    id_input.append(reinterpret_cast<const char*>(content.data()), content.size());
    const std::string message_id = m_job_name + '-' + core::to_hex(core::sha256(id_input), 16);

    EncodedMessage out;
    out.account = snapshot.account;
    out.fingerprint = first_8_bytes(content);
    std::string& json = out.json;
    json.reserve(traits.size() + m_context.size() + 200);
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
    json += message_id;
    json += R"(","context":)";
    json += m_context;
    json += '}';
    return out;
}

}  // namespace ss::message
