#include "admin/base64.h"

#include <stdexcept>

#include <openssl/evp.h>

namespace relaysync::core {

std::string toBase64(const std::string& bytes) {
    std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    text.resize(static_cast<std::size_t>(written));
    return text;
}

std::string fromBase64(const std::string& text) {
    if (text.size() % 4 != 0) throw std::invalid_argument("base64 text of " + std::to_string(text.size()) + " characters");
    std::string bytes(text.size() / 4 * 3 + 1, '\0');
    const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (written < 0) throw std::invalid_argument("not base64");
    // EVP_DecodeBlock counts the bytes the padding stands for.
    std::size_t size = static_cast<std::size_t>(written);
    if (!text.empty() && text.back() == '=') --size;
    if (text.size() > 1 && text[text.size() - 2] == '=') --size;
    bytes.resize(size);
    return bytes;
}

}  // namespace relaysync::core
