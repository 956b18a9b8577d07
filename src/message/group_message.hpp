#pragma once
// The message stage: an account snapshot becomes one Segment group() message
// (SPEC §4), already serialized, with its deterministic messageId and a
// fingerprint of what it says (for change detection).

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "traits/traits.hpp"

#include <cstdint>
#include <string>

namespace ss::message {

struct EncodedMessage {
    core::Uuid account;
    std::string json;  // one line, valid UTF-8, without sentAt (added per request)
    // First 8 bytes of SHA-256 over identity and traits (not as_of): equal
    // fingerprints mean Segment already has these values.
    std::uint64_t fingerprint = 0;
};

class GroupMessageEncoder {
public:
    // `job_name` namespaces the messageId; `version` goes into context.library.
    GroupMessageEncoder(core::Instant as_of, std::string job_name, std::string version);

    EncodedMessage encode(const traits::AccountSnapshot& snapshot) const;

    // The traits object alone, as encoded (tests, and the fingerprint input).
    static std::string traits_json(const traits::Traits& traits);

private:
    std::string m_timestamp;
    std::string m_job_name;
    std::string m_context;  // the serialized "context" object, the same for every message
};

}  // namespace ss::message
