#include "digest.h"

#include <stdexcept>

namespace relaysync::checker_hash {

DigestAlgorithm fetchDigest(const std::string& name) {
    DigestAlgorithm md(EVP_MD_fetch(nullptr, name.c_str(), nullptr));
    if (!md) throw std::invalid_argument("'" + name + "' is not a digest OpenSSL knows here");
    return md;
}

Digest::Digest(const EVP_MD* algorithm, std::string prefix) : context_(EVP_MD_CTX_new()), prefix_(std::move(prefix)) {
    if (!context_ || EVP_DigestInit_ex2(context_.get(), algorithm, nullptr) != 1)
        throw std::runtime_error("OpenSSL cannot compute " + prefix_);
}

void Digest::update(const void* data, std::size_t size) { EVP_DigestUpdate(context_.get(), data, size); }

std::string Digest::finish() {
    static constexpr char kDigits[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &size);
    std::string text = prefix_;
    text.reserve(prefix_.size() + size * 2);
    for (unsigned i = 0; i < size; ++i) {
        text += kDigits[digest[i] >> 4];
        text += kDigits[digest[i] & 0xf];
    }
    return text;
}

}  // namespace relaysync::checker_hash
