#pragma once
// One end of a SIP connection in a test: reads whole messages off a socket (framed and parsed as
// the plugin does) with a deadline, and writes bytes. Used by the scripted server and the raw
// client, which differ only in who connects.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "sip_message.h"
#include "stream_framer.h"

namespace relaysync::tests {

class SipStream {
public:
    // Takes `fd` (a connected socket) over; closes it at the end.
    explicit SipStream(int fd) : fd_(fd) {}
    ~SipStream();
    SipStream(const SipStream&) = delete;
    SipStream& operator=(const SipStream&) = delete;

    // The next message; nothing when none came in time or the connection closed. `on_ping`, when
    // given, is called for a CRLF CRLF keepalive (a server answers it).
    std::optional<transport_sip::SipMessage> read(std::chrono::milliseconds timeout,
                                                  const std::function<void()>& on_ping = {});
    void write(const std::string& bytes);
    bool closed() const { return closed_; }

private:
    int fd_;
    bool closed_ = false;
    transport_sip::StreamFramer framer_{64 * 1024, 1024 * 1024};
};

}  // namespace relaysync::tests
