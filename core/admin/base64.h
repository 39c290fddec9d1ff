#pragma once
// Base64 of chunk content in the admin channel's JSON (fetch-next), through OpenSSL: several
// times faster than a stream encoder for megabyte chunks.

#include <string>

namespace relaysync::core {

std::string toBase64(const std::string& bytes);
// Throws std::invalid_argument for text that is not base64.
std::string fromBase64(const std::string& text);

}  // namespace relaysync::core
