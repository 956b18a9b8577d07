#pragma once

#include "demo/writer.hpp"

namespace ss::demo {

// A new SQLite file with Fizzy's SQLite schema; refuses an existing file.
std::unique_ptr<DemoWriter> open_sqlite_writer(const std::string& path);

}  // namespace ss::demo
