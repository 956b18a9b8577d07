#pragma once
// Logs go to stderr only (stdout belongs to the dry run): readable text on a
// terminal, one JSON object per line otherwise (journald, Kubernetes, cron
// mail). Every line passes through core::redact().

#include <string_view>

#include <spdlog/spdlog.h>

namespace ss::core {

enum class LogFormat { Auto, Text, Json };
enum class LogLevel { Debug, Info, Warn, Error };

// Installs the process-wide logger. Auto picks Text when stderr is a TTY.
void init_logging(LogFormat format, LogLevel level);
bool stderr_is_terminal();

}  // namespace ss::core

// Call sites use spdlog directly: spdlog::info("..."), spdlog::warn(...).
