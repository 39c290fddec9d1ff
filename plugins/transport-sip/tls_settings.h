#pragma once
// What both TLS ends of the sip transport (the client to the server, the registrar's listener)
// set and check alike: the cipher list, and how a setting that cannot be used is refused.

#include <cstdio>
#include <stdexcept>
#include <string>

namespace relaysync::transport_sip::tls_settings {

// TLS 1.2 suites without anonymous, null or legacy ciphers; TLS 1.3 uses OpenSSL's defaults.
inline constexpr const char* kCipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!SHA1";

// Refuses the profile, naming the key.
[[noreturn]] inline void fail(const char* key, const std::string& what) {
    throw std::invalid_argument(std::string(key) + ": " + what);
}

inline bool readable(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "r");
    if (file) std::fclose(file);
    return file != nullptr;
}

}  // namespace relaysync::transport_sip::tls_settings
