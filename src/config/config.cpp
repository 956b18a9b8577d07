#include "config/config.hpp"

#include "config/database_url.hpp"
#include "core/error.hpp"
#include "core/secrets.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <variant>

#include <fmt/format.h>
#include <toml++/toml.h>


namespace ss::config {
namespace {

// A value as it arrives: typed from TOML, text from the environment or argv.
using Raw = std::variant<std::string, std::int64_t, double, bool>;

// Thrown by setters; the caller prefixes where the value came from.
struct BadValue : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct KeySpec {
    std::string_view name;
    std::string_view env;  // empty: no environment variable
    bool secret = false;
    std::function<void(Config&, const Raw&)> set;
    std::function<std::string(const Config&)> show;
};

std::int64_t to_int(const Raw& raw) {
    if (auto i = std::get_if<std::int64_t>(&raw)) return *i;
    if (auto s = std::get_if<std::string>(&raw)) {
        std::int64_t value = 0;
        auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), value);
        if (ec == std::errc{} && ptr == s->data() + s->size()) return value;
    }
    throw BadValue("expected an integer");
}

double to_double(const Raw& raw) {
    if (auto d = std::get_if<double>(&raw)) return *d;
    if (auto i = std::get_if<std::int64_t>(&raw)) return static_cast<double>(*i);
    if (auto s = std::get_if<std::string>(&raw)) {
        char* end = nullptr;
        const double value = std::strtod(s->c_str(), &end);
        if (!s->empty() && end == s->c_str() + s->size() && std::isfinite(value)) return value;
    }
    throw BadValue("expected a number");
}

bool to_bool(const Raw& raw) {
    if (auto b = std::get_if<bool>(&raw)) return *b;
    if (auto s = std::get_if<std::string>(&raw)) {
        if (*s == "true" || *s == "1" || *s == "yes" || *s == "on") return true;
        if (*s == "false" || *s == "0" || *s == "no" || *s == "off") return false;
    }
    throw BadValue("expected true or false");
}

std::string to_string(const Raw& raw) {
    if (auto s = std::get_if<std::string>(&raw)) return *s;
    throw BadValue("expected a string");
}

KeySpec string_key(std::string_view name, std::string_view env, std::string Config::*member, bool secret = false) {
    return {name, env, secret, [member](Config& c, const Raw& raw) { c.*member = to_string(raw); },
            [member](const Config& c) { return c.*member; }};
}

KeySpec int_key(std::string_view name, std::string_view env, std::int64_t Config::*member, std::int64_t min,
                std::int64_t max) {
    return {name, env, false,
            [member, min, max](Config& c, const Raw& raw) {
                const std::int64_t value = to_int(raw);
                if (value < min || value > max) throw BadValue(fmt::format("must be between {} and {}", min, max));
                c.*member = value;
            },
            [member](const Config& c) { return std::to_string(c.*member); }};
}

KeySpec double_key(std::string_view name, std::string_view env, double Config::*member, double min, double max) {
    return {name, env, false,
            [member, min, max](Config& c, const Raw& raw) {
                const double value = to_double(raw);
                if (value < min || value > max) throw BadValue(fmt::format("must be between {} and {}", min, max));
                c.*member = value;
            },
            [member](const Config& c) { return fmt::format("{}", c.*member); }};
}

KeySpec bool_key(std::string_view name, std::string_view env, bool Config::*member) {
    return {name, env, false, [member](Config& c, const Raw& raw) { c.*member = to_bool(raw); },
            [member](const Config& c) { return std::string(c.*member ? "true" : "false"); }};
}

template <typename E>
KeySpec enum_key(std::string_view name, std::string_view env, E Config::*member,
                 std::vector<std::pair<std::string_view, E>> names) {
    return {name, env, false,
            [member, names](Config& c, const Raw& raw) {
                const std::string text = to_string(raw);
                for (const auto& [label, value] : names) {
                    if (label == text) {
                        c.*member = value;
                        return;
                    }
                }
                std::string known;
                for (const auto& [label, value] : names) known += (known.empty() ? "" : ", ") + std::string(label);
                throw BadValue(fmt::format("unknown value '{}' (one of: {})", text, known));
            },
            [member, names](const Config& c) {
                for (const auto& [label, value] : names) {
                    if (value == c.*member) return std::string(label);
                }
                return std::string("?");
            }};
}

// Prices come as a TOML table; in text form (env/argv) as "plan=cents,plan=cents".
KeySpec prices_key() {
    return {"billing.prices", "", false,
            [](Config& c, const Raw& raw) {
                std::map<std::string, std::int64_t> prices;
                std::stringstream in(to_string(raw));
                for (std::string item; std::getline(in, item, ',');) {
                    const auto eq = item.find('=');
                    if (eq == std::string::npos || eq == 0) throw BadValue("expected plan=cents pairs");
                    const std::int64_t cents = to_int(item.substr(eq + 1));
                    if (cents < 0) throw BadValue("a price must not be negative");
                    prices[item.substr(0, eq)] = cents;
                }
                c.prices = std::move(prices);
            },
            [](const Config& c) {
                std::string out;
                for (const auto& [plan, cents] : c.prices) out += fmt::format("{}{}={}", out.empty() ? "" : ",", plan, cents);
                return out;
            }};
}

const std::vector<KeySpec>& key_table() {
    using core::LogFormat;
    using core::LogLevel;
    static const std::vector<KeySpec> table{
        string_key("database.url", "SNAPSHOT_SYNC_DATABASE_URL", &Config::database_url),
        string_key("database.password_file", "SNAPSHOT_SYNC_DATABASE_PASSWORD_FILE", &Config::database_password_file),
        int_key("database.chunk_size", "", &Config::chunk_size, 1, 100'000),
        int_key("database.reconnect_attempts", "", &Config::reconnect_attempts, 0, 100),
        int_key("database.parallel_reads", "", &Config::parallel_reads, 1, 16),
        double_key("database.connect_timeout", "", &Config::database_connect_timeout, 1, 3600),
        string_key("segment.host", "SEGMENT_HOST", &Config::segment_host),
        string_key("segment.write_key", "SEGMENT_WRITE_KEY", &Config::write_key, true),
        string_key("segment.write_key_file", "SEGMENT_WRITE_KEY_FILE", &Config::write_key_file),
        int_key("segment.batch_size", "", &Config::batch_size, 1, 2500),
        int_key("segment.max_batch_bytes", "", &Config::max_batch_bytes, 1024, 500'000),
        int_key("segment.max_message_bytes", "", &Config::max_message_bytes, 256, 32'768),
        int_key("segment.in_flight", "", &Config::in_flight, 1, 64),
        double_key("segment.connect_timeout", "", &Config::connect_timeout, 0.1, 600),
        double_key("segment.request_timeout", "", &Config::request_timeout, 0.1, 3600),
        int_key("segment.max_retries", "", &Config::max_retries, 0, 100),
        double_key("segment.backoff_initial", "", &Config::backoff_initial, 0.001, 60),
        double_key("segment.backoff_max", "", &Config::backoff_max, 0.001, 3600),
        bool_key("segment.gzip", "", &Config::gzip),
        double_key("segment.messages_per_second", "", &Config::messages_per_second, 0, 1e9),
        double_key("segment.requests_per_second", "", &Config::requests_per_second, 0, 1e6),
        bool_key("segment.tls_verify", "", &Config::tls_verify),
        string_key("segment.job_name", "", &Config::job_name),
        enum_key<IdentityMode>("identity.mode", "", &Config::identity,
                               {{"system", IdentityMode::System},
                                {"owner", IdentityMode::Owner},
                                {"anonymous", IdentityMode::Anonymous}}),
        string_key("identity.anonymous_id", "", &Config::anonymous_id),
        enum_key<BillingMode>("billing.subscriptions", "", &Config::billing,
                              {{"auto", BillingMode::Auto}, {"on", BillingMode::On}, {"off", BillingMode::Off}}),
        prices_key(),
        string_key("checkpoint.location", "SNAPSHOT_SYNC_CHECKPOINT", &Config::checkpoint),
        string_key("checkpoint.password_file", "SNAPSHOT_SYNC_CHECKPOINT_PASSWORD_FILE", &Config::checkpoint_password_file),
        bool_key("run.changed_only", "", &Config::changed_only),
        int_key("run.full_every_days", "", &Config::full_every_days, 0, 3650),
        string_key("metrics.textfile", "", &Config::metrics_textfile),
        string_key("metrics.pushgateway", "", &Config::pushgateway),
        enum_key<LogFormat>("log.format", "SNAPSHOT_SYNC_LOG_FORMAT", &Config::log_format,
                            {{"auto", LogFormat::Auto}, {"text", LogFormat::Text}, {"json", LogFormat::Json}}),
        enum_key<LogLevel>("log.level", "SNAPSHOT_SYNC_LOG_LEVEL", &Config::log_level,
                           {{"debug", LogLevel::Debug},
                            {"info", LogLevel::Info},
                            {"warn", LogLevel::Warn},
                            {"error", LogLevel::Error}}),
    };
    return table;
}

const KeySpec* find_key(std::string_view name) {
    for (const auto& spec : key_table()) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string unknown_key_message(std::string_view name) {
    const KeySpec* best = nullptr;
    std::size_t best_distance = 4;  // suggest only close matches
    for (const auto& spec : key_table()) {
        const std::size_t d = edit_distance(name, spec.name);
        if (d < best_distance) {
            best_distance = d;
            best = &spec;
        }
    }
    if (best != nullptr) return fmt::format("unknown key '{}' (did you mean '{}'?)", name, best->name);
    return fmt::format("unknown key '{}'", name);
}

std::optional<Raw> raw_from_toml(const toml::node& node) {
    if (auto s = node.as_string()) return Raw{s->get()};
    if (auto i = node.as_integer()) return Raw{i->get()};
    if (auto d = node.as_floating_point()) return Raw{d->get()};
    if (auto b = node.as_boolean()) return Raw{b->get()};
    return std::nullopt;
}

std::string where(const std::string& file, const toml::node& node) {
    return fmt::format("{}:{}", file, node.source().begin.line);
}

void apply_prices_table(LoadedConfig& loaded, const std::string& file, const toml::table& prices) {
    std::map<std::string, std::int64_t> result;
    for (auto&& [plan, node] : prices) {
        auto cents = node.as_integer();
        if (cents == nullptr || cents->get() < 0) {
            throw core::UsageError(fmt::format("{}: billing.prices.{}: expected a non-negative integer (cents)",
                                               where(file, node), plan.str()));
        }
        result[std::string(plan.str())] = cents->get();
    }
    loaded.config.prices = std::move(result);
    loaded.origins["billing.prices"] = {Origin::Kind::File, where(file, prices)};
}

void apply_table(LoadedConfig& loaded, const std::string& file, const toml::table& table, const std::string& prefix) {
    for (auto&& [key, node] : table) {
        const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
        if (name == "billing.prices") {
            if (auto prices = node.as_table()) {
                apply_prices_table(loaded, file, *prices);
                continue;
            }
            throw core::UsageError(fmt::format("{}: billing.prices: expected a table of plan = cents", where(file, node)));
        }
        if (auto sub = node.as_table()) {
            apply_table(loaded, file, *sub, name);
            continue;
        }
        const KeySpec* spec = find_key(name);
        if (spec == nullptr) throw core::UsageError(fmt::format("{}: {}", where(file, node), unknown_key_message(name)));
        auto raw = raw_from_toml(node);
        try {
            if (!raw) throw BadValue("unsupported value type");
            spec->set(loaded.config, *raw);
        } catch (const BadValue& e) {
            throw core::UsageError(fmt::format("{}: {}: {}", where(file, node), name, e.what()));
        }
        loaded.origins[name] = {Origin::Kind::File, where(file, node)};
    }
}

void load_file(LoadedConfig& loaded, const std::string& file) {
    // A directory opens as an empty stream and would parse as an empty file: every key at its default.
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        throw core::UsageError(fmt::format("{}: cannot read config file: it is a directory", file));
    }
    std::ifstream probe(file);
    if (!probe) throw core::UsageError(fmt::format("{}: cannot read config file", file));
    try {
        const toml::table table = toml::parse_file(file);
        apply_table(loaded, file, table, "");
    } catch (const toml::parse_error& e) {
        throw core::UsageError(fmt::format("{}:{}: {}", file, e.source().begin.line, e.description()));
    }
}

void check_http_url(const std::string& text, std::string_view name, bool allow_path) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
    char* scheme = nullptr;
    char* path = nullptr;
    const bool parsed = url && curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) == CURLUE_OK &&
                        curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                        curl_url_get(url.get(), CURLUPART_PATH, &path, 0) == CURLUE_OK;
    const std::string scheme_text = scheme ? scheme : "";
    const std::string path_text = path ? path : "";
    curl_free(scheme);
    curl_free(path);
    if (!parsed || (scheme_text != "http" && scheme_text != "https")) {
        throw core::UsageError(fmt::format("{}: expected an http:// or https:// URL", name));
    }
    if (!allow_path && path_text != "/" && !path_text.empty()) {
        throw core::UsageError(
            fmt::format("{}: give the host only (e.g. https://api.segment.io); /v1/batch is added", name));
    }
}

std::string read_secret_file(const std::string& path, std::string_view key) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw core::UsageError(fmt::format("{}: cannot read {}", key, path));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.empty()) throw core::UsageError(fmt::format("{}: {} is empty", key, path));
    return text;
}

std::string origin_label(const Origin& origin) {
    switch (origin.kind) {
        case Origin::Kind::Default: return "default";
        case Origin::Kind::File: return origin.where;
        case Origin::Kind::Environment: return "environment " + origin.where;
        case Origin::Kind::CommandLine: return "command line " + origin.where;
    }
    return "?";
}

}  // namespace

Environment process_environment() {
    Environment env;
    for (const auto& spec : key_table()) {
        if (spec.env.empty()) continue;
        if (const char* value = std::getenv(std::string(spec.env).c_str())) env[std::string(spec.env)] = value;
    }
    return env;
}

LoadedConfig load_config(const std::optional<std::string>& file, const Environment& env) {
    LoadedConfig loaded;
    if (file) load_file(loaded, *file);
    for (const auto& spec : key_table()) {
        if (spec.env.empty()) continue;
        auto it = env.find(std::string(spec.env));
        if (it == env.end()) continue;
        if (spec.secret) core::register_secret(it->second);
        try {
            spec.set(loaded.config, Raw{it->second});
        } catch (const BadValue& e) {
            throw core::UsageError(fmt::format("{}: {}", spec.env, e.what()));
        }
        loaded.origins[std::string(spec.name)] = {Origin::Kind::Environment, std::string(spec.env)};
    }
    if (file) core::register_secret(loaded.config.write_key);
    validate(loaded);
    return loaded;
}

void set_from_command_line(LoadedConfig& loaded, const std::string& key, const std::string& value,
                           const std::string& flag) {
    const KeySpec* spec = find_key(key);
    if (spec == nullptr) throw core::UsageError(fmt::format("{}: {}", flag, unknown_key_message(key)));
    try {
        spec->set(loaded.config, Raw{value});
    } catch (const BadValue& e) {
        throw core::UsageError(fmt::format("{}: {}", flag, e.what()));
    }
    loaded.origins[key] = {Origin::Kind::CommandLine, flag};
    validate(loaded);
}

void validate(const LoadedConfig& loaded) {
    const Config& c = loaded.config;
    auto origin_of = [&](const std::string& key) {
        auto it = loaded.origins.find(key);
        if (it == loaded.origins.end()) return key;
        if (it->second.kind == Origin::Kind::Environment) return it->second.where;
        return fmt::format("{}: {}", origin_label(it->second), key);
    };
    DatabaseUrl::parse(c.database_url, origin_of("database.url"));
    check_http_url(c.segment_host, origin_of("segment.host"), false);
    if (c.checkpoint.starts_with("sqlite:") || c.checkpoint.find("://") != std::string::npos) {
        DatabaseUrl::parse(c.checkpoint, origin_of("checkpoint.location"));
    }
    if (!c.pushgateway.empty()) check_http_url(c.pushgateway, origin_of("metrics.pushgateway"), true);
    if (c.identity == IdentityMode::Anonymous && c.anonymous_id.empty()) {
        throw core::UsageError(fmt::format("{}: identity.mode = \"anonymous\" needs identity.anonymous_id",
                                           origin_of("identity.mode")));
    }
    if (c.job_name.empty() || c.job_name.size() > 40 ||
        !std::all_of(c.job_name.begin(), c.job_name.end(),
                     [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'; })) {
        throw core::UsageError(fmt::format("{}: 1 to 40 letters, digits, '-' or '_'", origin_of("segment.job_name")));
    }
    if (!c.write_key.empty() && !c.write_key_file.empty()) {
        throw core::UsageError("segment.write_key and segment.write_key_file are both set: keep one");
    }
}

std::string resolve_write_key(const Config& config) {
    std::string key = config.write_key;
    if (key.empty() && !config.write_key_file.empty()) {
        key = read_secret_file(config.write_key_file, "segment.write_key_file");
    }
    core::register_secret(key);
    return key;
}

std::optional<std::string> resolve_database_password(const Config& config) {
    if (config.database_password_file.empty()) return std::nullopt;
    std::string password = read_secret_file(config.database_password_file, "database.password_file");
    core::register_secret(password);
    return password;
}

std::optional<std::string> resolve_checkpoint_password(const Config& config) {
    if (config.checkpoint_password_file.empty()) return std::nullopt;
    std::string password = read_secret_file(config.checkpoint_password_file, "checkpoint.password_file");
    core::register_secret(password);
    return password;
}

std::vector<std::string> describe(const LoadedConfig& loaded) {
    std::vector<std::string> lines;
    for (const auto& spec : key_table()) {
        const std::string name(spec.name);
        std::string value = spec.show(loaded.config);
        if (spec.secret && !value.empty()) value = std::string(core::k_redacted);
        const bool url = value.starts_with("sqlite:") || value.find("://") != std::string::npos;
        if (name == "database.url" || (name == "checkpoint.location" && url)) value = DatabaseUrl::parse(value, name).redacted();
        auto it = loaded.origins.find(name);
        lines.push_back(fmt::format("{} = {}  ({})", name, value, it == loaded.origins.end() ? "default" : origin_label(it->second)));
    }
    return lines;
}

std::vector<std::pair<std::string, std::string>> environment_variables() {
    std::vector<std::pair<std::string, std::string>> vars;
    for (const auto& spec : key_table()) {
        if (!spec.env.empty()) vars.emplace_back(spec.env, spec.name);
    }
    return vars;
}

}  // namespace ss::config
