#include "digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

namespace relaysync::transport_sip {

namespace {

std::string hex(const unsigned char* data, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        text.push_back(kDigits[data[i] >> 4]);
        text.push_back(kDigits[data[i] & 0xf]);
    }
    return text;
}

std::string hash(const std::string& algorithm, const std::string& text) {
    const EVP_MD* md = algorithm == "SHA-256" ? EVP_sha256() : EVP_md5();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &size, md, nullptr) != 1)
        throw std::runtime_error("OpenSSL could not compute " + algorithm);
    return hex(digest, size);
}

}  // namespace

std::string digestAuthorization(const Challenge& challenge, const DigestCredentials& credentials,
                                const std::string& method, const std::string& uri, std::uint32_t nc,
                                const std::string& cnonce) {
    const std::string& algorithm = challenge.algorithm;
    const std::string ha1 = hash(algorithm, credentials.username + ":" + challenge.realm + ":" + credentials.password);
    const std::string ha2 = hash(algorithm, method + ":" + uri);
    char nc_text[9];
    std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
    const std::string response =
        challenge.qop_auth ? hash(algorithm, ha1 + ":" + challenge.nonce + ":" + nc_text + ":" + cnonce + ":auth:" + ha2)
                           : hash(algorithm, ha1 + ":" + challenge.nonce + ":" + ha2);
    std::string value = "Digest username=\"" + credentials.username + "\", realm=\"" + challenge.realm +
                        "\", nonce=\"" + challenge.nonce + "\", uri=\"" + uri + "\", response=\"" + response +
                        "\", algorithm=" + algorithm;
    if (challenge.qop_auth) value += std::string(", qop=auth, nc=") + nc_text + ", cnonce=\"" + cnonce + "\"";
    if (!challenge.opaque.empty()) value += ", opaque=\"" + challenge.opaque + "\"";
    return value;
}

bool digestAnswerIsRight(const DigestAnswer& answer, const std::string& password, const std::string& method) {
    std::string algorithm;
    if (answer.algorithm.empty() || answer.algorithm == "MD5" || answer.algorithm == "md5") algorithm = "MD5";
    else if (answer.algorithm == "SHA-256" || answer.algorithm == "sha-256") algorithm = "SHA-256";
    else return false;
    if (!answer.qop.empty() && (answer.qop != "auth" || answer.nc.empty() || answer.cnonce.empty())) return false;
    const std::string ha1 = hash(algorithm, answer.username + ":" + answer.realm + ":" + password);
    const std::string ha2 = hash(algorithm, method + ":" + answer.uri);
    const std::string expected =
        answer.qop.empty() ? hash(algorithm, ha1 + ":" + answer.nonce + ":" + ha2)
                           : hash(algorithm, ha1 + ":" + answer.nonce + ":" + answer.nc + ":" + answer.cnonce + ":auth:" + ha2);
    return expected.size() == answer.response.size() &&
           CRYPTO_memcmp(expected.data(), answer.response.data(), expected.size()) == 0;
}

std::string randomHex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
        throw std::runtime_error("OpenSSL has no randomness");
    return hex(reinterpret_cast<const unsigned char*>(raw.data()), bytes);
}

}  // namespace relaysync::transport_sip
