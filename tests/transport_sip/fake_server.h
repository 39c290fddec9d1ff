#pragma once
// A scripted stand-in for the SIP server, on 127.0.0.1: it accepts the transport's connection,
// reads what it sends as SipMessages and writes whatever a test wants, including malformed
// input that a real Kamailio would never pass on.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sip_message.h"
#include "sip_stream.h"

namespace relaysync::tests {

class FakeSipServer {
public:
    FakeSipServer();
    ~FakeSipServer();
    FakeSipServer(const FakeSipServer&) = delete;
    FakeSipServer& operator=(const FakeSipServer&) = delete;

    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    // Accepts the next connection (closing the current one); false when none came in time.
    bool accept(std::chrono::milliseconds timeout);
    // The next message the transport sent; nothing when the time ran out or the connection closed.
    std::optional<transport_sip::SipMessage> read(std::chrono::milliseconds timeout);
    bool closedByPeer() const;
    void write(const std::string& bytes);
    // Accepts the transport's connection and answers its REGISTER with 200 (no challenge).
    bool acceptRegistration(std::chrono::milliseconds timeout);

private:
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::unique_ptr<SipStream> connection_;  // the latest accepted
};

// A MESSAGE as Kamailio would relay it to `to`, with the given From and Content-Type.
std::string relayedMessage(const std::string& from, const std::string& to, const std::string& content_type,
                           const std::string& body, const std::string& branch);

}  // namespace relaysync::tests
