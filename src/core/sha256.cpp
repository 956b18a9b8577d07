#include "core/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace ss::core {

namespace {

// One context per thread, and the algorithm fetched once: EVP_Digest would
// allocate a context and look the algorithm up on every call, which shows
// at a few hundred thousand messages a second.
struct Hasher {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Hasher() {
        EVP_MD_CTX_free(ctx);
        EVP_MD_free(md);
    }
};

Hasher& thread_hasher() {
    thread_local Hasher hasher;
    return hasher;
}

void check(bool ok) {
    if (!ok) throw std::runtime_error("SHA-256 failed in OpenSSL");
}

}  // namespace

// One digest at a time per thread: the context is the thread's.
Sha256::Sha256() {
    Hasher& h = thread_hasher();
    check(h.md != nullptr && h.ctx != nullptr && EVP_DigestInit_ex2(h.ctx, h.md, nullptr) == 1);
}

Sha256& Sha256::update(std::string_view data) {
    check(EVP_DigestUpdate(thread_hasher().ctx, data.data(), data.size()) == 1);
    return *this;
}

Sha256Digest Sha256::finish() {
    Sha256Digest digest{};
    unsigned int size = 0;
    check(EVP_DigestFinal_ex(thread_hasher().ctx, digest.data(), &size) == 1 && size == digest.size());
    return digest;
}

Sha256Digest sha256(std::string_view data) { return Sha256().update(data).finish(); }

std::string to_hex(const Sha256Digest& digest, std::size_t bytes) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (std::size_t i = 0; i < bytes && i < digest.size(); ++i) {
        out.push_back(k_hex[digest[i] >> 4]);
        out.push_back(k_hex[digest[i] & 0xf]);
    }
    return out;
}

}  // namespace ss::core
