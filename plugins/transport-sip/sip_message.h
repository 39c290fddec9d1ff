#pragma once
// SIP messages as typed values. Inbound bytes are parsed by libosip2 (a strict, maintained
// parser: the security-critical part), and only what the transport uses is kept; outbound
// messages are written from the structs below, which hold only values we produced or copied
// from a parsed message.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stream_framer.h"

namespace relaysync::transport_sip {

// One digest challenge (WWW-Authenticate or Proxy-Authenticate), values unquoted.
struct Challenge {
    bool proxy = false;  // 407 Proxy-Authenticate, else 401 WWW-Authenticate
    std::string realm;
    std::string nonce;
    std::string opaque;
    std::string algorithm;  // "MD5" or "SHA-256" (normalised); never an unsupported one
    bool qop_auth = false;
    bool stale = false;
};

// The Authorization header of a request (a client's answer to our challenge), values unquoted.
struct DigestAnswer {
    std::string username;
    std::string realm;
    std::string nonce;
    std::string uri;
    std::string response;
    std::string algorithm;  // as sent; "" means MD5
    std::string qop;        // "" or "auth"
    std::string nc;         // 8 hex digits with qop
    std::string cnonce;
    std::string opaque;
};

struct SipMessage {
    bool is_request = false;
    std::string method;  // requests: the method; responses: CSeq's method
    int status = 0;      // responses
    std::string reason;
    std::string request_uri;
    std::vector<std::string> vias;  // header values as parsed, top first (echoed in responses)
    std::string top_branch;
    std::string from_header;  // whole values, echoed in responses
    std::string to_header;
    std::string from_account;  // user@host of the From URI
    std::string to_account;
    std::string to_tag;
    std::string call_id;
    std::uint32_t cseq = 0;
    std::string content_type;  // "type/subtype", lower case; empty when absent
    std::optional<Challenge> challenge;  // the strongest supported one offered
    std::optional<std::int64_t> expires;  // Contact ;expires= of a REGISTER or its 200, else Expires
    bool expires_malformed = false;       // one of them is there but is not a whole number up to 2^31
    std::optional<DigestAnswer> authorization;  // requests: the Authorization header, if any
    std::string body;
};

// A parsed message, or why `frame` is not one (for the log and a 400's reason).
struct ParseResult {
    std::optional<SipMessage> message;
    std::string error;
};
inline constexpr long kMaxHeaderLines = 200;
ParseResult parseSip(const Frame& frame);

struct OutgoingRequest {
    std::string method;
    std::string request_uri;
    std::string via_transport = "TCP";  // TCP or TLS
    std::string via_sent_by;  // host:port of this end of the connection
    std::string branch;
    std::string from_uri;
    std::string from_tag;
    std::string to_uri;
    std::string call_id;
    std::uint32_t cseq = 0;
    std::string contact_uri;  // REGISTER only
    std::optional<std::int64_t> expires;
    std::string authorization_header;  // "Authorization" or "Proxy-Authorization"; empty: none
    std::string authorization;
    std::string content_type;
    std::string body;
};
std::string formatRequest(const OutgoingRequest& request);

// A response to `request` (whose Via, From, To, Call-ID and CSeq it echoes), adding `to_tag` to
// To when it has none, and `extra_headers` ("Name: value" each, values we produced). No body.
std::string formatResponse(const SipMessage& request, int status, const std::string& reason, const std::string& to_tag,
                           const std::vector<std::string>& extra_headers = {});

}  // namespace relaysync::transport_sip
