#pragma once
// The files of sql/, compiled in (see cmake/EmbedSql.cmake).

#include <optional>
#include <string_view>

namespace ss::source {

// `path` is relative to sql/, e.g. "sqlite/account_traits.sql".
std::optional<std::string_view> embedded_sql(std::string_view path);

// Like embedded_sql, but a missing file is a build defect: throws.
std::string_view sql_file(std::string_view path);

}  // namespace ss::source
