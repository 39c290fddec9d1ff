#pragma once
// HTTP digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760): MD5 and SHA-256,
// without qop or with qop=auth. Hashes come from OpenSSL.

#include <cstdint>
#include <string>

#include "sip_message.h"

namespace relaysync::transport_sip {

struct DigestCredentials {
    std::string username;
    std::string password;
};

// The value of an Authorization (or Proxy-Authorization) header answering `challenge` for
// `method` on `uri`, with nonce count `nc` (used with qop=auth) and client nonce `cnonce`.
std::string digestAuthorization(const Challenge& challenge, const DigestCredentials& credentials,
                                const std::string& method, const std::string& uri, std::uint32_t nc,
                                const std::string& cnonce);

// `bytes` random bytes from OpenSSL, as lower-case hex (tags, branches, Call-IDs, cnonces).
std::string randomHex(std::size_t bytes);

}  // namespace relaysync::transport_sip
