#pragma once
// Cuts the byte stream of one SIP connection (TCP or TLS) into messages: a head up to the empty
// line, then exactly Content-Length body bytes (RFC 3261 §18.3: mandatory over streams). A CRLF
// between messages is the server's keepalive pong (RFC 5626 §4.4.1). A body over the limit but
// within `max_skipped_bytes` is read past without being kept: the frame comes with its head only,
// marked too_large, so that the caller can answer it (413) and keep the connection. Anything
// else at a message boundary, a head over its limit, a bigger body, or a missing Content-Length
// makes the stream unusable: the caller closes the connection.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>

namespace relaysync::transport_sip {

struct Frame {
    enum class Kind { message, pong, too_large } kind = Kind::message;
    std::string head;  // start line and headers, ending with the empty line
    std::string body;        // empty for too_large
    std::size_t body_size = 0;  // as Content-Length said
};

class StreamFramer {
public:
    StreamFramer(std::size_t max_head_bytes, std::size_t max_body_bytes, std::size_t max_skipped_bytes = 0)
        : max_head_(max_head_bytes), max_body_(max_body_bytes), max_skipped_(std::max(max_body_bytes, max_skipped_bytes)) {}

    void feed(const char* data, std::size_t size) { buffer_.append(data, size); }
    // The next complete frame, or nothing until more bytes come. Once error() is set it stays.
    std::optional<Frame> next();
    const std::string& error() const { return error_; }

private:
    std::optional<Frame> fail(std::string why);

    const std::size_t max_head_;
    const std::size_t max_body_;
    const std::size_t max_skipped_;
    std::size_t skipping_ = 0;  // body bytes of a too_large frame still to drop
    std::string buffer_;
    std::string error_;
};

}  // namespace relaysync::transport_sip
