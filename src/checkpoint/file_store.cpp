#include "checkpoint/file_store.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include <fmt/format.h>

namespace ss::checkpoint {
namespace {

namespace fs = std::filesystem;

constexpr std::array<char, 8> k_header{'S', 'S', 'F', 'P', 1, 0, 0, 0};
constexpr std::size_t k_record_size = 24;

class Fd {
public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    void reset() {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

[[noreturn]] void fail_io(const std::string& path, std::string_view what) {
    throw core::UsageError(fmt::format("{}: cannot {}: {}", path, what, std::strerror(errno)));
}

void write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_io(path, "write");
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void fsync_or_fail(int fd, const std::string& path) {
    if (::fsync(fd) != 0) fail_io(path, "fsync");
}

std::string parent_dir(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? "." : parent.string();
}

void fsync_dir(const std::string& path) {
    Fd dir(::open(parent_dir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0 || ::fsync(dir.get()) != 0) fail_io(parent_dir(path), "fsync the directory");
}

// Writes `text` to `path` through a temporary file: a crash leaves the old or the new file, never a mix.
void replace_file(const std::string& path, std::string_view text) {
    const std::string temp = fmt::format("{}.tmp.{}", path, ::getpid());
    {
        Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (fd.get() < 0) fail_io(temp, "create");
        write_all(fd.get(), text, temp);
        fsync_or_fail(fd.get(), temp);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        ::unlink(temp.c_str());
        fail_io(path, "replace the checkpoint");
    }
    fsync_dir(path);
}

std::string encode(const FingerprintRecord& r) {
    std::string out(r.account.raw());
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((r.fingerprint >> shift) & 0xff));
    return out;
}

FingerprintRecord decode(const char* data) {
    FingerprintRecord r;
    r.account = *core::Uuid::from_bytes(std::string_view(data, 16));
    for (int i = 16; i < 24; ++i) r.fingerprint = (r.fingerprint << 8) | static_cast<unsigned char>(data[i]);
    return r;
}

// Records in a fingerprint file; a file that is not one is an error.
std::int64_t record_count(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw core::UsageError(fmt::format("{}: cannot read the fingerprints: {}", path, ec.message()));
    std::ifstream in(path, std::ios::binary);
    std::array<char, 8> header{};
    in.read(header.data(), header.size());
    if (!in || header != k_header || (size - k_header.size()) % k_record_size != 0) {
        throw core::UsageError(fmt::format(
            "{}: not a snapshot-sync fingerprint file; move it away (the next run then sends every account)", path));
    }
    return static_cast<std::int64_t>((size - k_header.size()) / k_record_size);
}

class FileCursor final : public FingerprintCursor {
public:
    FileCursor(const std::string& path, const std::optional<core::Uuid>& after) {
        std::error_code ec;
        if (!fs::exists(path, ec)) return;
        record_count(path);  // validates the header and size
        m_in.open(path, std::ios::binary);
        m_in.seekg(static_cast<std::streamoff>(k_header.size()));
        advance();
        if (after) {
            while (m_current && !(*after < m_current->account)) advance();
        }
    }

    std::optional<std::uint64_t> find(const core::Uuid& account) override {
        while (m_current && m_current->account < account) advance();
        if (m_current && m_current->account == account) return m_current->fingerprint;
        return std::nullopt;
    }

private:
    void advance() {
        std::array<char, k_record_size> buffer{};
        if (m_in.is_open() && m_in.read(buffer.data(), buffer.size())) {
            m_current = decode(buffer.data());
        } else {
            m_current.reset();
        }
    }

    std::ifstream m_in;
    std::optional<FingerprintRecord> m_current;
};

class FileStore final : public CheckpointStore {
public:
    FileStore(std::string path, Access access) : m_path(std::move(path)), m_access(access) {
        if (access == Access::ReadWrite) m_lock = take_lock();
    }

    std::string describe() const override { return m_path; }

    std::optional<Checkpoint> load() override {
        std::error_code ec;
        if (!fs::exists(m_path, ec)) {
            if (ec) fail_io(m_path, "look for the checkpoint");
            return std::nullopt;
        }
        if (!fs::is_regular_file(m_path, ec)) {
            throw core::UsageError(fmt::format("{}: the checkpoint is not a regular file", m_path));
        }
        std::ifstream in(m_path, std::ios::binary);
        if (!in) fail_io(m_path, "read the checkpoint");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad()) fail_io(m_path, "read the checkpoint");
        Checkpoint checkpoint = parse_checkpoint(text, m_path);
        if (m_access == Access::ReadWrite) complete_interrupted_finish(checkpoint);
        return checkpoint;
    }

    void begin(const Checkpoint& checkpoint, bool resuming) override {
        writable();
        const std::string next = next_path();
        if (resuming) {
            m_recorded = checkpoint.fingerprints_recorded;
            m_next = Fd(::open(next.c_str(), O_WRONLY | O_CLOEXEC));
            if (m_next.get() < 0) {
                if (m_recorded > 0 || errno != ENOENT) fail_io(next, "open the fingerprints being recorded");
                start_next_file(next);
            } else if (record_count(next) < m_recorded) {
                throw core::UsageError(fmt::format("{}: holds fewer fingerprints than the checkpoint committed; "
                                                   "run with --restart",
                                                   next));
            }
            // Records past the committed count belong to batches whose checkpoint never landed.
            if (::ftruncate(m_next.get(), static_cast<off_t>(k_header.size() + k_record_size * static_cast<std::size_t>(m_recorded))) != 0 ||
                ::lseek(m_next.get(), 0, SEEK_END) < 0) {
                fail_io(next, "truncate the fingerprints being recorded");
            }
            fsync_or_fail(m_next.get(), next);
        } else {
            m_recorded = 0;
            start_next_file(next);
        }
        save(checkpoint);
    }

    void commit(const Checkpoint& checkpoint, std::span<const FingerprintRecord> acknowledged) override {
        writable();
        if (!acknowledged.empty()) {
            std::string data;
            data.reserve(acknowledged.size() * k_record_size);
            for (const auto& r : acknowledged) data += encode(r);
            write_all(m_next.get(), data, next_path());
            fsync_or_fail(m_next.get(), next_path());
            m_recorded += static_cast<std::int64_t>(acknowledged.size());
        }
        save(checkpoint);
    }

    void finish(const Checkpoint& checkpoint) override {
        writable();
        save(checkpoint);
        m_next.reset();
        if (::rename(next_path().c_str(), fingerprints_path().c_str()) != 0) fail_io(fingerprints_path(), "replace");
        fsync_dir(m_path);
    }

    std::unique_ptr<FingerprintCursor> acknowledged_fingerprints(const std::optional<core::Uuid>& after) override {
        return std::make_unique<FileCursor>(fingerprints_path(), after);
    }

private:
    std::string fingerprints_path() const { return m_path + ".fingerprints"; }
    std::string next_path() const { return m_path + ".fingerprints.new"; }

    void writable() const {
        if (m_access != Access::ReadWrite) throw core::Error(core::ErrorKind::Internal, m_path + ": opened read-only");
    }

    void save(Checkpoint checkpoint) {
        checkpoint.fingerprints_recorded = m_recorded;
        replace_file(m_path, serialize(checkpoint));
    }

    void start_next_file(const std::string& next) {
        m_next = Fd(::open(next.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (m_next.get() < 0) fail_io(next, "create");
        write_all(m_next.get(), std::string_view(k_header.data(), k_header.size()), next);
        fsync_or_fail(m_next.get(), next);
    }

    // A crash between finish()'s two steps leaves a finished checkpoint and
    // this snapshot's fingerprints not yet in place: put them there.
    void complete_interrupted_finish(const Checkpoint& checkpoint) {
        std::error_code ec;
        if (checkpoint.state != Checkpoint::State::Finished || !fs::exists(next_path(), ec)) return;
        if (record_count(next_path()) != checkpoint.fingerprints_recorded) return;
        if (::rename(next_path().c_str(), fingerprints_path().c_str()) != 0) fail_io(fingerprints_path(), "replace");
        fsync_dir(m_path);
    }

    Fd take_lock() {
        std::error_code ec;
        fs::create_directories(parent_dir(m_path), ec);
        if (ec) {
            throw core::UsageError(fmt::format("{}: cannot create the checkpoint directory: {}", parent_dir(m_path),
                                               ec.message()));
        }
        const std::string lock_path = m_path + ".lock";
        Fd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (fd.get() < 0) fail_io(lock_path, "open the checkpoint lock");
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK) {
                throw core::Error(core::ErrorKind::Locked,
                                  fmt::format("{}: another snapshot-sync run holds this checkpoint", m_path));
            }
            fail_io(lock_path, "lock the checkpoint");
        }
        return fd;
    }

    std::string m_path;
    Access m_access;
    Fd m_lock;  // flock is released when the descriptor closes
    Fd m_next;  // this snapshot's fingerprints, open for appending
    std::int64_t m_recorded = 0;
};

}  // namespace

std::string shard_file_path(const std::string& path, const source::Shard& shard) {
    if (!shard.sharded()) return path;
    const fs::path p(path);
    return (p.parent_path() / (p.stem().string() + "." + shard.suffix() + p.extension().string())).string();
}

std::unique_ptr<CheckpointStore> open_file_store(const std::string& path, Access access) {
    return std::make_unique<FileStore>(path, access);
}

}  // namespace ss::checkpoint
