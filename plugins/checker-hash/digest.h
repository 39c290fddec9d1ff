#pragma once
// One OpenSSL EVP digest being computed, turned into "<algorithm>:<hex>" at the end. The
// algorithm (EVP_MD) is fetched once per checker and shared: OpenSSL allows that from any
// number of threads; each Digest has its own context.

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>

namespace relaysync::checker_hash {

struct DigestAlgorithmDeleter {
    void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
using DigestAlgorithm = std::unique_ptr<EVP_MD, DigestAlgorithmDeleter>;

// Throws std::invalid_argument when OpenSSL has no such digest here.
DigestAlgorithm fetchDigest(const std::string& name);

class Digest {
public:
    // `prefix` ("sha256:") goes before the hex of the result. Throws std::runtime_error when
    // OpenSSL cannot start the digest.
    Digest(const EVP_MD* algorithm, std::string prefix);
    void update(const void* data, std::size_t size);
    std::string finish();

private:
    struct ContextDeleter {
        void operator()(EVP_MD_CTX* context) const noexcept { EVP_MD_CTX_free(context); }
    };
    std::unique_ptr<EVP_MD_CTX, ContextDeleter> context_;
    std::string prefix_;
};

}  // namespace relaysync::checker_hash
