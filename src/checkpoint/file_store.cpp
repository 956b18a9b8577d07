#include "checkpoint/file_store.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include <fmt/format.h>

namespace ss::checkpoint {
namespace {

namespace fs = std::filesystem;

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

[[noreturn]] void fail_io(const std::string& path, std::string_view what) {
    throw core::UsageError(fmt::format("{}: cannot {} the checkpoint: {}", path, what, std::strerror(errno)));
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

class FileStore final : public CheckpointStore {
public:
    explicit FileStore(std::string path) : m_path(std::move(path)), m_lock(open_lock()) {}

    std::string describe() const override { return m_path; }

    std::optional<Checkpoint> load() override {
        std::error_code ec;
        if (!fs::exists(m_path, ec)) {
            if (ec) fail_io(m_path, "look for");
            return std::nullopt;
        }
        if (!fs::is_regular_file(m_path, ec)) {
            throw core::UsageError(fmt::format("{}: the checkpoint is not a regular file", m_path));
        }
        std::ifstream in(m_path, std::ios::binary);
        if (!in) fail_io(m_path, "read");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad()) fail_io(m_path, "read");
        return parse_checkpoint(text, m_path);
    }

    void save(const Checkpoint& checkpoint) override {
        const std::string text = serialize(checkpoint);
        const std::string temp = fmt::format("{}.tmp.{}", m_path, ::getpid());
        {
            Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
            if (fd.get() < 0) fail_io(temp, "create");
            write_all(fd.get(), text, temp);
            if (::fsync(fd.get()) != 0) fail_io(temp, "fsync");
        }
        if (::rename(temp.c_str(), m_path.c_str()) != 0) {
            ::unlink(temp.c_str());
            fail_io(m_path, "replace");
        }
        Fd dir(::open(parent_dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dir.get() < 0 || ::fsync(dir.get()) != 0) fail_io(parent_dir(), "fsync the directory of");
    }

private:
    std::string parent_dir() const {
        const fs::path parent = fs::path(m_path).parent_path();
        return parent.empty() ? "." : parent.string();
    }

    Fd open_lock() {
        std::error_code ec;
        fs::create_directories(parent_dir(), ec);
        if (ec) {
            throw core::UsageError(fmt::format("{}: cannot create the checkpoint directory: {}", parent_dir(),
                                               ec.message()));
        }
        const std::string lock_path = m_path + ".lock";
        Fd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (fd.get() < 0) fail_io(lock_path, "open the lock of");
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK) {
                throw core::Error(core::ErrorKind::Locked,
                                  fmt::format("{}: another snapshot-sync run holds this checkpoint", m_path));
            }
            fail_io(lock_path, "lock");
        }
        return fd;
    }

    std::string m_path;
    Fd m_lock;  // flock is released when the descriptor closes
};

}  // namespace

std::string shard_file_path(const std::string& path, const source::Shard& shard) {
    if (!shard.sharded()) return path;
    const fs::path p(path);
    return (p.parent_path() / (p.stem().string() + "." + shard.suffix() + p.extension().string())).string();
}

std::unique_ptr<CheckpointStore> open_file_store(const std::string& path) { return std::make_unique<FileStore>(path); }

}  // namespace ss::checkpoint
