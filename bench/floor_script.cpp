// Row (a) of bench/run.sh, "the floor": writes an SQL script that makes a
// database's own command-line client (psql, mariadb, sqlite3) run exactly
// the statements a run of the job runs — account_traits.sql for every chunk
// and account_plans.sql after it — with the same parameters, inside the same
// kind of read-only snapshot. Timing that script with its output discarded
// says what the database alone needs for a run.
//
//   bench-floor-script sqlite|postgresql|mysql --ids FILE [--chunk-size N]
//                      [--as-of ISO8601] [--billing on|off] [--traits-sql FILE]
//
// The SQL is the job's own, compiled into this program from sql/<dialect>/
// exactly as into snapshot-sync. --ids names a dry run's output (one
// message per line, in id order, as `run --dry-run` prints it): every
// chunk's keyset cursor is the id of the last account of the chunk before,
// which is what the job binds. Unsharded only. --traits-sql runs another
// account_traits.sql in its place (to try a change before compiling it in).
//
// Per dialect:
//   postgresql  PREPARE/EXECUTE (the job prepares the same text through
//               libpq); the session settings the job makes are made first.
//   mysql       PREPARE ... FROM with each :name rewritten to "?" as the job's
//               db/mysql.cpp does, EXECUTE ... USING @variables.
//   sqlite      .parameter set and the statement text; the sqlite3 shell
//               lacks the two functions the job registers, so the script
//               uses SQL equivalents for the unsharded case:
//               "snapshot_shard(a.id, :shard_count) = :shard_index" is never
//               evaluated (:shard_count = 1 short-circuits the OR) and is
//               replaced by "1", and snapshot_sum() (an exact sum that turns
//               into a real instead of failing on a 64-bit overflow) by
//               sum(), which gives the same result when nothing overflows.

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "db/mysql.hpp"
#include "source/embedded_sql.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace {

using namespace ss;

struct Options {
    std::string dialect;
    std::string ids_file;
    std::size_t chunk_size = 2000;
    std::string as_of = "2026-11-20T08:00:00Z";
    bool billing = true;
    std::string traits_file;  // --traits-sql: try another account_traits.sql (experiments)
};

std::string traits_sql(const Options& o, std::string_view path) {
    if (o.traits_file.empty()) return std::string(source::sql_file(path));
    std::ifstream in(o.traits_file);
    if (!in) throw std::runtime_error("cannot read " + o.traits_file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The group ids of a dry run's messages, as account ids, in output order.
std::vector<core::Uuid> read_ids(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<core::Uuid> ids;
    std::string line;
    const std::string key = "\"groupId\":\"";
    while (std::getline(in, line)) {
        const auto at = line.find(key);
        if (at == std::string::npos) continue;
        const auto start = at + key.size();
        const auto end = line.find('"', start);
        auto id = core::Uuid::from_base36(line.substr(start, end - start));
        if (!id) throw std::runtime_error("not a group id: " + line.substr(start, end - start));
        ids.push_back(*id);
    }
    return ids;
}

// The cursors the job binds, in order: the zero id, then the last id of
// every full chunk (a chunk shorter than chunk_size ends the run, so when
// the count is a multiple of it the job reads one more, empty, chunk).
std::vector<core::Uuid> cursors(const std::vector<core::Uuid>& ids, std::size_t chunk) {
    std::vector<core::Uuid> out{core::Uuid{}};
    for (std::size_t n = chunk; n <= ids.size(); n += chunk) out.push_back(ids[n - 1]);
    return out;
}

// The chunk's last id (for account_plans), or the cursor itself for the final empty chunk.
core::Uuid chunk_last(const std::vector<core::Uuid>& ids, std::size_t chunk, std::size_t index) {
    const std::size_t last = std::min(ids.size(), (index + 1) * chunk);
    return last == 0 ? core::Uuid{} : ids[last - 1];
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::string strip_trailing(std::string sql) {
    while (!sql.empty() && (sql.back() == '\n' || sql.back() == ' ' || sql.back() == ';')) sql.pop_back();
    return sql;
}

std::string sql_quote(const std::string& text) { return "'" + replace_all(text, "'", "''") + "'"; }

struct Bounds {
    std::string created_before, window_start, as_of;
};

void postgresql(const Options& o, const Bounds& b, const std::vector<core::Uuid>& ids) {
    // What db/postgresql.cpp sets on every connection, and the job's snapshot.
    std::printf("SET TIME ZONE 'UTC';\nSET DateStyle = 'ISO, YMD';\nSET jit = off;\n");
    std::printf("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n");
    std::printf("PREPARE account_traits AS\n%s;\n",
                strip_trailing(traits_sql(o, "postgresql/account_traits.sql")).c_str());
    if (o.billing) {
        std::printf("PREPARE account_plans AS\n%s;\n",
                    strip_trailing(std::string(source::sql_file("postgresql/account_plans.sql"))).c_str());
    }
    const auto cs = cursors(ids, o.chunk_size);
    for (std::size_t i = 0; i < cs.size(); ++i) {
        std::printf("EXECUTE account_traits('%s', %zu, '%s', '%s', '%s', 1, 0);\n", cs[i].to_dashed().c_str(),
                    o.chunk_size, b.created_before.c_str(), b.window_start.c_str(), b.as_of.c_str());
        if (o.billing && i * o.chunk_size < ids.size()) {
            std::printf("EXECUTE account_plans('%s', '%s');\n", cs[i].to_dashed().c_str(),
                        chunk_last(ids, o.chunk_size, i).to_dashed().c_str());
        }
    }
    std::printf("COMMIT;\n");
}

void mysql(const Options& o, const Bounds& b, const std::vector<core::Uuid>& ids) {
    auto prepare = [&o](const char* name, std::string_view path) {
        const std::string text = std::string_view(name) == "account_traits" ? traits_sql(o, path)
                                                                            : std::string(source::sql_file(path));
        const auto rewritten = db::rewrite_named_parameters(text);
        std::printf("PREPARE %s FROM %s;\n", name, sql_quote(strip_trailing(rewritten.sql)).c_str());
        std::string using_list;
        for (const auto& n : rewritten.names) using_list += (using_list.empty() ? "@" : ", @") + n;
        return using_list;
    };
    // db/mysql.cpp's session: UTC, and the job's consistent read-only snapshot.
    std::printf("SET NAMES utf8mb4;\nSET time_zone = '+00:00';\n");
    std::printf("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ;\n");
    std::printf("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY;\n");
    const std::string traits_using = prepare("account_traits", "mysql/account_traits.sql");
    const std::string plans_using = o.billing ? prepare("account_plans", "mysql/account_plans.sql") : "";
    std::printf("SET @chunk_size = %zu, @created_before = '%s', @window_start = '%s', @as_of = '%s', "
                "@shard_count = 1, @shard_index = 0;\n",
                o.chunk_size, b.created_before.c_str(), b.window_start.c_str(), b.as_of.c_str());
    const auto cs = cursors(ids, o.chunk_size);
    for (std::size_t i = 0; i < cs.size(); ++i) {
        std::printf("SET @after = '%s';\nEXECUTE account_traits USING %s;\n", cs[i].to_hex().c_str(),
                    traits_using.c_str());
        if (o.billing && i * o.chunk_size < ids.size()) {
            std::printf("SET @last = '%s';\nEXECUTE account_plans USING %s;\n",
                        chunk_last(ids, o.chunk_size, i).to_hex().c_str(), plans_using.c_str());
        }
    }
    std::printf("COMMIT;\n");
}

void sqlite(const Options& o, const Bounds& b, const std::vector<core::Uuid>& ids) {
    std::string traits = traits_sql(o, "sqlite/account_traits.sql");
    const std::string shard = "snapshot_shard(a.id, :shard_count) = :shard_index";
    if (traits.find(shard) == std::string::npos || traits.find("snapshot_sum(") == std::string::npos) {
        throw std::runtime_error("sqlite/account_traits.sql changed: update bench/floor_script.cpp's substitutions");
    }
    traits = replace_all(replace_all(traits, shard, "1"), "snapshot_sum(", "sum(");
    const std::string plans = strip_trailing(std::string(source::sql_file("sqlite/account_plans.sql")));
    traits = strip_trailing(traits);
    std::printf(".bail on\nBEGIN;\n");
    std::printf(".parameter set :chunk_size %zu\n.parameter set :created_before \"'%s'\"\n"
                ".parameter set :window_start \"'%s'\"\n.parameter set :as_of \"'%s'\"\n"
                ".parameter set :shard_count 1\n.parameter set :shard_index 0\n",
                o.chunk_size, b.created_before.c_str(), b.window_start.c_str(), b.as_of.c_str());
    const auto cs = cursors(ids, o.chunk_size);
    for (std::size_t i = 0; i < cs.size(); ++i) {
        std::printf(".parameter set :after X'%s'\n%s;\n", cs[i].to_hex().c_str(), traits.c_str());
        if (o.billing && i * o.chunk_size < ids.size()) {
            std::printf(".parameter set :last X'%s'\n%s;\n", chunk_last(ids, o.chunk_size, i).to_hex().c_str(),
                        plans.c_str());
        }
    }
    std::printf("COMMIT;\n");
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench-floor-script sqlite|postgresql|mysql --ids FILE [--chunk-size N] "
                             "[--as-of ISO8601] [--billing on|off]\n");
        return 2;
    }
    o.dialect = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--ids") o.ids_file = argv[i + 1];
        else if (flag == "--chunk-size") o.chunk_size = std::stoul(argv[i + 1]);
        else if (flag == "--as-of") o.as_of = argv[i + 1];
        else if (flag == "--billing") o.billing = std::string(argv[i + 1]) == "on";
        else if (flag == "--traits-sql") o.traits_file = argv[i + 1];
    }
    try {
        const auto as_of = core::parse_iso8601(o.as_of);
        if (!as_of || o.ids_file.empty() || o.chunk_size == 0) throw std::runtime_error("bad arguments");
        // The same text SnapshotQuery gives the job (source/source.cpp).
        const Bounds bounds{core::format_db_datetime_micros(*as_of, 1),
                            core::format_db_datetime(*as_of - std::chrono::days{30}), core::format_db_datetime(*as_of)};
        const auto ids = read_ids(o.ids_file);
        if (o.dialect == "postgresql") postgresql(o, bounds, ids);
        else if (o.dialect == "mysql") mysql(o, bounds, ids);
        else if (o.dialect == "sqlite") sqlite(o, bounds, ids);
        else throw std::runtime_error("unknown dialect " + o.dialect);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench-floor-script: %s\n", e.what());
        return 1;
    }
}
