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

// Whether `answer` (a client's Authorization) is the right response for `method` with `password`,
// by the algorithm it names (MD5 or SHA-256; anything else is wrong). Compared in constant time.
// The caller checks that the nonce, realm and uri are the ones it expects.
bool digestAnswerIsRight(const DigestAnswer& answer, const std::string& password, const std::string& method);

// `bytes` random bytes from OpenSSL, as lower-case hex (tags, branches, Call-IDs, cnonces).
std::string randomHex(std::size_t bytes);

}  // namespace relaysync::transport_sip
