#include "db/server.hpp"

#include <cctype>
#include <vector>

namespace ss::db {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

std::string collapse_spaces(std::string_view text) {
    std::string out;
    for (char c : text) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (space && (out.empty() || out.back() == ' ')) continue;
        out.push_back(space ? ' ' : c);
    }
    return out;
}

}  // namespace

std::string one_line(std::string_view message) {
    std::string out;
    bool skip_caret = false;
    while (!message.empty()) {
        const std::size_t end = message.find('\n');
        std::string_view line = trim(message.substr(0, end));
        message = end == std::string_view::npos ? std::string_view{} : message.substr(end + 1);
        // libpq quotes the statement ("LINE 3: ...") and points at it ("   ^").
        if (line.starts_with("LINE ")) {
            skip_caret = true;
            continue;
        }
        if (skip_caret && line.find_first_not_of(" ^") == std::string_view::npos) continue;
        skip_caret = false;
        for (std::string_view prefix : {"ERROR:", "FATAL:"}) {
            if (line.starts_with(prefix)) line = trim(line.substr(prefix.size()));
        }
        if (line.empty()) continue;
        if (!out.empty()) out += "; ";
        out += collapse_spaces(line);
    }
    return out;
}

}  // namespace ss::db
