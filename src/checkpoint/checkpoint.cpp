#include "checkpoint/checkpoint.hpp"

#include "core/error.hpp"

#include <limits>
#include <stdexcept>

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

// A count: a JSON integer from 0 to 2^63 - 1. nlohmann's get<std::int64_t>()
// casts a float such as 1e300 with undefined behaviour and wraps a larger
// integer, so either would be read as some count instead of refused.
std::int64_t count_from(const Json& j, const char* key, std::string_view where = "") {
    const Json& value = j.at(key);
    if (value.is_number_unsigned() && value.get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max()) {
        return static_cast<std::int64_t>(value.get<std::uint64_t>());
    }
    if (value.is_number_integer() && !value.is_number_unsigned() && value.get<std::int64_t>() >= 0) {
        return value.get<std::int64_t>();
    }
    throw std::invalid_argument(fmt::format("'{}{}' is not a count", where, key));
}

pipeline::Counters counters_from_json(const Json& j) {
    pipeline::Counters c;
    c.sent = count_from(j, "sent", "counters.");
    c.failed = count_from(j, "failed", "counters.");
    c.rejected = count_from(j, "rejected", "counters.");
    c.unchanged = count_from(j, "unchanged", "counters.");
    c.unknown_plans = count_from(j, "unknown_plans", "counters.");
    c.batches = count_from(j, "batches", "counters.");
    c.requests = count_from(j, "requests", "counters.");
    c.retries = count_from(j, "retries", "counters.");
    c.bytes_sent = count_from(j, "bytes_sent", "counters.");
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
    } catch (const Json::exception& e) {
        throw fail(e.what());  // e.g. out_of_range 406: a number such as 1e999 that no double holds
    }
    try {
        if (!j.is_object() || !j.contains("version")) throw fail("no version");
        const std::int64_t version = count_from(j, "version");
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
        c.fingerprints_recorded = count_from(j, "fingerprints_recorded");
        return c;
    } catch (const core::UsageError&) {
        throw;
    } catch (const std::exception& e) {
        throw fail(e.what());
    }
}

}  // namespace ss::checkpoint
