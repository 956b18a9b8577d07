#pragma once
// AccountSource::missing_columns for the server databases, over their
// connection's has_table/has_column.

#include "source/source.hpp"

#include <string>
#include <vector>

namespace ss::source {

// "table" for a missing table, "table.column" for a missing column.
template <typename Connection>
std::vector<std::string> find_missing_columns(Connection& connection, const std::vector<TableColumns>& required) {
    std::vector<std::string> missing;
    for (const auto& [table, columns] : required) {
        if (!connection.has_table(table)) {
            missing.push_back(table);
            continue;
        }
        for (const auto& column : columns) {
            if (!connection.has_column(table, column)) missing.push_back(table + "." + column);
        }
    }
    return missing;
}

}  // namespace ss::source
