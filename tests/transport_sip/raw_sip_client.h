#pragma once
// A hand-driven SIP client over plain TCP, for attacking a relay's site registrar the way no
// well-behaved terminal would: replays, requests for other accounts, idle or garbage connections.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sip_message.h"
#include "sip_stream.h"

namespace relaysync::tests {

class RawSipClient {
public:
    // Connects to 127.0.0.1:port; throws when it cannot.
    explicit RawSipClient(std::uint16_t port);
    RawSipClient(const RawSipClient&) = delete;
    RawSipClient& operator=(const RawSipClient&) = delete;

    void write(const std::string& bytes) { stream_.write(bytes); }
    // The next message, or nothing when none came in time or the connection closed.
    std::optional<transport_sip::SipMessage> read(std::chrono::milliseconds timeout) { return stream_.read(timeout); }
    // True once the other end has closed the connection (waits up to `timeout` for that).
    bool closedWithin(std::chrono::milliseconds timeout);

    // A REGISTER of `account` (to `domain`), with `authorization` when not empty.
    std::string registerRequest(const std::string& account, const std::string& authorization, std::uint32_t cseq);
    // REGISTER, answer the 401 with `password`; the final status (0: none). `last_authorization`
    // receives the Authorization header that was sent.
    int registerWithDigest(const std::string& account, const std::string& password, std::string* last_authorization = nullptr);
    // A MESSAGE from `from` to `to` with a relaysync body.
    std::string message(const std::string& from, const std::string& to, const std::string& body);

private:
    SipStream stream_;
};

}  // namespace relaysync::tests
