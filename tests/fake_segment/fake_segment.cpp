// A fake Segment endpoint for tests and benchmarks: a real HTTP server on
// 127.0.0.1 that accepts POST /v1/batch like Segment does, records what it
// receives, checks Segment's limits, and injects faults from a script.
//
//   fake-segment [--port N] [--log FILE] [--requests-log FILE] [--write-key KEY]
//                [--script SPEC] [--poison GROUP_ID]... [--count-only]
//                [--max-lifetime SECONDS]
//
// Prints "listening 127.0.0.1:PORT" on stdout once it accepts connections.
//
// --log: one line per message of every batch answered 2xx, the message as
//   received plus "_request" (the request number).
// --requests-log: one line per request: number, arrival time (t_ms), answer, message count,
//   body bytes, gzip, X-Retry-Count, sentAt, auth, limit violations; "answer"
//   is the status sent, or -1 (reset), -2 (rst), -3 (eof).
// --script: comma-separated actions for consecutive requests, each optionally
//   repeated with xN, then plain 200s:
//     503, 429, 400 ...      answer that status
//     429:ra=2               ... with Retry-After: 2
//     503:ra-date=2          ... with Retry-After as an HTTP date 2 s ahead
//     reset                  drop the connection in the middle of the answer
//     rst                    reset the connection (TCP RST) before any byte of an answer
//     eof                    close the connection (FIN) before any byte of an answer
//     slow=2000              answer 200 after 2000 ms
//     hang=30                answer 200 after 30 s (longer than a client timeout)
//     garbage                answer 200 with a body that is not JSON
//   e.g. "200x2,503x12,429:ra=1,reset,slow=1500"
// --poison: a batch holding a message with this groupId is answered 400,
//   as Segment answers a body it cannot take.
// --count-only: count messages without logging them (benchmarks);
//   GET /stats answers {"requests":..,"messages":..,"bytes":..}.
// --tls-cert/--tls-key: serve HTTPS with this certificate (tests of TLS
//   verification use a self-signed one).
// It exits by itself after --max-lifetime seconds (default 900).

#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using Json = nlohmann::json;

struct Action {
    enum class Kind { Status, Reset, ResetEarly, CloseEarly, Slow, Hang, Garbage } kind = Kind::Status;
    int status = 200;
    std::string retry_after;  // seconds, or "date:N"
    int millis = 0;
};

std::vector<Action> parse_script(const std::string& spec) {
    std::vector<Action> actions;
    std::size_t start = 0;
    while (start < spec.size()) {
        std::size_t end = spec.find(',', start);
        if (end == std::string::npos) end = spec.size();
        std::string item = spec.substr(start, end - start);
        start = end + 1;
        int repeat = 1;
        if (auto x = item.rfind('x'); x != std::string::npos && x + 1 < item.size() &&
                                      item.find_first_not_of("0123456789", x + 1) == std::string::npos) {
            repeat = std::stoi(item.substr(x + 1));
            item = item.substr(0, x);
        }
        Action a;
        if (item == "reset") {
            a.kind = Action::Kind::Reset;
        } else if (item == "rst") {
            a.kind = Action::Kind::ResetEarly;
        } else if (item == "eof") {
            a.kind = Action::Kind::CloseEarly;
        } else if (item == "garbage") {
            a.kind = Action::Kind::Garbage;
        } else if (item.rfind("slow=", 0) == 0) {
            a.kind = Action::Kind::Slow;
            a.millis = std::stoi(item.substr(5));
        } else if (item.rfind("hang=", 0) == 0) {
            a.kind = Action::Kind::Hang;
            a.millis = std::stoi(item.substr(5)) * 1000;
        } else {
            a.status = std::stoi(item.substr(0, 3));
            if (auto p = item.find(":ra="); p != std::string::npos) a.retry_after = item.substr(p + 4);
            if (auto p = item.find(":ra-date="); p != std::string::npos) a.retry_after = "date:" + item.substr(p + 9);
        }
        for (int i = 0; i < repeat; ++i) actions.push_back(a);
    }
    return actions;
}

std::string http_date(int seconds_ahead) {
    const std::time_t t = std::time(nullptr) + seconds_ahead;
    char buf[64];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

// "Basic base64(user:)" -> user
std::string basic_user(const std::string& header) {
    if (header.rfind("Basic ", 0) != 0) return {};
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int value = 0, bits = -8;
    for (char c : header.substr(6)) {
        const auto pos = chars.find(c);
        if (pos == std::string::npos) break;
        value = (value << 6) + static_cast<int>(pos);
        bits += 6;
        if (bits >= 0) {
            out.push_back(static_cast<char>((value >> bits) & 0xff));
            bits -= 8;
        }
    }
    const auto colon = out.find(':');
    return colon == std::string::npos ? std::string{} : out.substr(0, colon);
}

// cpp-httplib hands a handler no socket, so the connection from
// 127.0.0.1:remote_port is found among this process's descriptors. `rst`
// closes it with SO_LINGER 0 (the client gets a TCP RST); `eof` shuts it
// down (a FIN). Either way /dev/null takes the descriptor's number, so the
// server's own writes and close later land on /dev/null, not on a socket
// that reused the number.
void end_connection_early(int remote_port, bool reset) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        int fd = -1;
        try {
            fd = std::stoi(entry.path().filename().string());
        } catch (const std::exception&) {
            continue;
        }
        sockaddr_in peer{};
        socklen_t size = sizeof peer;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &size) != 0 || peer.sin_family != AF_INET ||
            ntohs(peer.sin_port) != remote_port) {
            continue;
        }
        if (reset) {
            const linger hard{1, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        } else {
            ::shutdown(fd, SHUT_RDWR);
        }
        const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        ::dup2(null_fd, fd);
        ::close(null_fd);
        return;
    }
}

struct State {
    std::mutex mutex;
    std::vector<Action> script;
    std::size_t next_action = 0;
    std::set<std::string> poison;
    std::string write_key;
    bool count_only = false;
    std::ofstream log;
    std::ofstream requests_log;
    std::atomic<long long> requests{0}, messages{0}, bytes{0};

    Action next() {
        std::lock_guard lock(mutex);
        if (next_action < script.size()) return script[next_action++];
        return Action{};
    }
};

constexpr std::size_t k_max_messages = 2500;
constexpr std::size_t k_max_body = 500'000;
constexpr std::size_t k_max_message = 32'768;

std::size_t count_occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + needle.size())) ++n;
    return n;
}

void handle_batch(State& state, const httplib::Request& req, httplib::Response& res) {
    const long long number = ++state.requests;
    const Action action = state.next();
    if (state.count_only) {
        const auto n = count_occurrences(req.body, "\"messageId\"");
        state.messages += static_cast<long long>(n);
        state.bytes += static_cast<long long>(req.body.size());
        res.set_content(R"({"success":true})", "application/json");
        return;
    }

    const auto received_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    Json record{{"n", number},
                {"t_ms", received_ms},
                {"bytes_body", req.body.size()},
                {"bytes_wire", req.get_header_value("Content-Length")},
                {"gzip", req.get_header_value("Content-Encoding") == "gzip"},
                {"retry_count", req.has_header("X-Retry-Count") ? Json(req.get_header_value("X-Retry-Count")) : Json(nullptr)},
                {"content_type", req.get_header_value("Content-Type")}};
    std::vector<std::string> violations;
    const std::string user = basic_user(req.get_header_value("Authorization"));
    record["auth"] = user.empty() ? "missing" : (state.write_key.empty() || user == state.write_key ? "ok" : "bad");

    Json body;
    bool parsed = true;
    try {
        body = Json::parse(req.body);
    } catch (const std::exception&) {
        parsed = false;
    }
    std::vector<Json> batch;
    if (parsed && body.is_object() && body.contains("batch") && body["batch"].is_array()) {
        for (auto& m : body["batch"]) batch.push_back(m);
        record["sent_at"] = body.value("sentAt", "");
    } else {
        violations.push_back("body is not {\"batch\":[...]}");
    }
    record["messages"] = batch.size();
    if (batch.size() > k_max_messages) violations.push_back("more than 2500 messages");
    if (req.body.size() > k_max_body) violations.push_back("body over 500 KB");
    bool poisoned = false;
    std::vector<std::string> group_ids;
    for (const auto& m : batch) {
        if (m.dump().size() > k_max_message) violations.push_back("message over 32 KB");
        const std::string gid = m.value("groupId", "");
        group_ids.push_back(gid);
        if (state.poison.contains(gid)) poisoned = true;
    }

    int status = 200;
    std::string answer = R"({"success":true})";
    if (record["auth"] == "bad" || record["auth"] == "missing") {
        status = 401;
        answer = R"({"error":"invalid write key"})";
    } else if (!parsed || req.body.size() > k_max_body) {
        status = 400;
        answer = R"({"error":"bad request"})";
    } else if (poisoned) {
        status = 400;
        answer = R"({"error":"a message in this batch is invalid"})";
    } else {
        switch (action.kind) {
            case Action::Kind::Status:
                status = action.status;
                if (status != 200) answer = R"({"error":"injected"})";
                if (!action.retry_after.empty()) {
                    res.set_header("Retry-After", action.retry_after.rfind("date:", 0) == 0
                                                      ? http_date(std::stoi(action.retry_after.substr(5)))
                                                      : action.retry_after);
                }
                break;
            case Action::Kind::Slow:
            case Action::Kind::Hang:
                std::this_thread::sleep_for(std::chrono::milliseconds(action.millis));
                break;
            case Action::Kind::Garbage: answer = "<html>not json at all"; break;
            case Action::Kind::Reset: status = -1; break;
            case Action::Kind::ResetEarly: status = -2; break;
            case Action::Kind::CloseEarly: status = -3; break;
        }
    }
    record["answer"] = status;
    record["violations"] = violations;
    record["group_ids"] = group_ids;
    {
        std::lock_guard lock(state.mutex);
        if (state.requests_log.is_open()) state.requests_log << record.dump() << "\n" << std::flush;
        if (status >= 200 && status < 300 && state.log.is_open()) {
            // The whole batch in one write, before the answer goes out.
            std::string lines;
            for (auto& m : batch) {
                m["_request"] = number;
                lines += m.dump(-1, ' ', false, Json::error_handler_t::replace);
                lines += '\n';
            }
            state.log << lines << std::flush;
        }
    }
    if (status == -2 || status == -3) {
        end_connection_early(req.remote_port, status == -2);
        return;
    }
    if (status == -1) {
        // Promise a body, then abandon the connection: the client sees it break.
        res.set_content_provider(1000, "application/json",
                                 [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
        return;
    }
    res.status = status;
    res.set_content(answer, "application/json");
}

}  // namespace

int main(int argc, char** argv) {
    State state;
    int port = 0;
    int max_lifetime = 900;
    std::string tls_cert;
    std::string tls_key;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "fake-segment: " << arg << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--port") port = std::stoi(value());
        else if (arg == "--log") state.log.open(value(), std::ios::app);
        else if (arg == "--requests-log") state.requests_log.open(value(), std::ios::app);
        else if (arg == "--write-key") state.write_key = value();
        else if (arg == "--script") state.script = parse_script(value());
        else if (arg == "--poison") state.poison.insert(value());
        else if (arg == "--count-only") state.count_only = true;
        else if (arg == "--max-lifetime") max_lifetime = std::stoi(value());
        else if (arg == "--tls-cert") tls_cert = value();
        else if (arg == "--tls-key") tls_key = value();
        else {
            std::cerr << "fake-segment: unknown option " << arg << "\n";
            return 2;
        }
    }

    std::unique_ptr<httplib::Server> https;
    if (!tls_cert.empty()) {
        https = std::make_unique<httplib::SSLServer>(tls_cert.c_str(), tls_key.c_str());
        if (!https->is_valid()) {
            std::cerr << "fake-segment: cannot use the certificate " << tls_cert << "\n";
            return 1;
        }
    }
    httplib::Server plain;
    httplib::Server& server = https ? *https : plain;
    server.set_payload_max_length(64 * 1024 * 1024);
    server.set_read_timeout(30, 0);
    server.Post("/v1/batch", [&](const httplib::Request& req, httplib::Response& res) { handle_batch(state, req, res); });
    server.Get("/stats", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(Json{{"requests", state.requests.load()}, {"messages", state.messages.load()},
                             {"bytes", state.bytes.load()}}
                            .dump(),
                        "application/json");
    });
    // Answers go out at once: with Nagle's algorithm the body, written after
    // the headers, waits for the client's delayed ACK (about 40 ms a request).
    server.set_tcp_nodelay(true);
    const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", port) ? port : -1);
    if (bound <= 0) {
        std::cerr << "fake-segment: cannot listen on 127.0.0.1:" << port << "\n";
        return 1;
    }
    std::thread([max_lifetime] {
        std::this_thread::sleep_for(std::chrono::seconds(max_lifetime));
        std::_Exit(0);
    }).detach();
    std::printf("listening 127.0.0.1:%d\n", bound);
    std::fflush(stdout);
    server.listen_after_bind();
    return 0;
}
