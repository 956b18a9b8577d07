#pragma once
// Fatal problems travel as ss::core::Error, caught once at the top (app/),
// which prints one line and picks the exit status from the kind. Expected
// per-request failures (a batch that got a 503) are values, not exceptions.

#include <stdexcept>
#include <string>

namespace ss::core {

enum class ErrorKind {
    Usage,           // bad arguments, config, environment or state file
    Locked,          // another run holds the checkpoint
    Database,        // the source failed (query, schema, permissions)
    ConnectionLost,  // the source's connection broke; a reconnect may help
    Delivery,        // the sink gave up
    Internal,
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    ErrorKind kind() const { return m_kind; }

private:
    ErrorKind m_kind;
};

struct UsageError : Error {
    explicit UsageError(const std::string& message) : Error(ErrorKind::Usage, message) {}
};

struct DatabaseError : Error {
    explicit DatabaseError(const std::string& message, ErrorKind kind = ErrorKind::Database)
        : Error(kind, message) {}
};

}  // namespace ss::core
