#include "checkpoint/checkpoint.hpp"

#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace ss::checkpoint {
namespace {

using Json = nlohmann::ordered_json;

Json counters_to_json(const pipeline::Counters& c) {
    return Json{{"sent", c.sent},         {"failed", c.failed},     {"rejected", c.rejected}, {"unchanged", c.unchanged},
                {"unknown_plans", c.unknown_plans}, {"batches", c.batches}, {"requests", c.requests},
                {"retries", c.retries},   {"bytes_sent", c.bytes_sent}};
}

pipeline::Counters counters_from_json(const Json& j) {
    pipeline::Counters c;
    c.sent = j.at("sent").get<std::int64_t>();
    c.failed = j.at("failed").get<std::int64_t>();
    c.rejected = j.at("rejected").get<std::int64_t>();
    c.unchanged = j.at("unchanged").get<std::int64_t>();
    c.unknown_plans = j.at("unknown_plans").get<std::int64_t>();
    c.batches = j.at("batches").get<std::int64_t>();
    c.requests = j.at("requests").get<std::int64_t>();
    c.retries = j.at("retries").get<std::int64_t>();
    c.bytes_sent = j.at("bytes_sent").get<std::int64_t>();
    return c;
}

core::Instant instant_from(const Json& j, const char* key) {
    auto t = core::parse_iso8601(j.at(key).get<std::string>());
    if (!t) throw std::invalid_argument(fmt::format("'{}' is not an ISO 8601 time", key));
    return *t;
}

std::optional<core::Instant> optional_instant(const Json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    return instant_from(j, key);
}

Json optional_time(const std::optional<core::Instant>& t) {
    return t ? Json(core::format_iso8601(*t)) : Json(nullptr);
}

}  // namespace

std::string serialize(const Checkpoint& c) {
    Json j;
    j["version"] = Checkpoint::k_version;
    j["state"] = c.state == Checkpoint::State::Running ? "running" : "finished";
    j["job"] = c.job;
    j["shard"] = c.shard;
    j["source"] = c.source;
    j["as_of"] = core::format_iso8601(c.as_of);
    j["started_at"] = core::format_iso8601(c.started_at);
    j["updated_at"] = core::format_iso8601(c.updated_at);
    j["watermark"] = c.watermark ? Json(c.watermark->to_hex()) : Json(nullptr);
    j["counters"] = counters_to_json(c.counters);
    j["last_success_at"] = optional_time(c.last_success_at);
    j["last_full_at"] = optional_time(c.last_full_at);
    j["changed_only"] = c.changed_only;
    j["fingerprints_recorded"] = c.fingerprints_recorded;
    return j.dump(2) + "\n";
}

Checkpoint parse_checkpoint(std::string_view text, std::string_view origin) {
    const auto fail = [&](std::string_view what) {
        return core::UsageError(fmt::format(
            "{}: unreadable checkpoint ({}); fix or move it, or run with --restart to start a new snapshot", origin,
            what));
    };
    Json j;
    try {
        j = Json::parse(text);
    } catch (const Json::parse_error& e) {
        throw fail(fmt::format("not JSON at byte {}", e.byte));
    }
    try {
        if (!j.is_object() || !j.contains("version")) throw fail("no version");
        const int version = j.at("version").get<int>();
        if (version != Checkpoint::k_version) {
            throw core::UsageError(fmt::format("{}: checkpoint version {} is not supported by this snapshot-sync "
                                               "(it reads version {})",
                                               origin, version, Checkpoint::k_version));
        }
        Checkpoint c;
        const std::string state = j.at("state").get<std::string>();
        if (state != "running" && state != "finished") throw fail(fmt::format("unknown state '{}'", state));
        c.state = state == "running" ? Checkpoint::State::Running : Checkpoint::State::Finished;
        c.job = j.at("job").get<std::string>();
        c.shard = j.at("shard").get<std::string>();
        c.source = j.value("source", "");
        c.as_of = instant_from(j, "as_of");
        c.started_at = instant_from(j, "started_at");
        c.updated_at = instant_from(j, "updated_at");
        if (!j.at("watermark").is_null()) {
            auto id = core::Uuid::from_hex(j.at("watermark").get<std::string>());
            if (!id) throw fail("watermark is not a 32-digit hex id");
            c.watermark = *id;
        }
        c.counters = counters_from_json(j.at("counters"));
        c.last_success_at = optional_instant(j, "last_success_at");
        c.last_full_at = optional_instant(j, "last_full_at");
        c.changed_only = j.at("changed_only").get<bool>();
        c.fingerprints_recorded = j.at("fingerprints_recorded").get<std::int64_t>();
        if (c.fingerprints_recorded < 0) throw fail("negative fingerprints_recorded");
        return c;
    } catch (const core::UsageError&) {
        throw;
    } catch (const std::exception& e) {
        throw fail(e.what());
    }
}

}  // namespace ss::checkpoint
