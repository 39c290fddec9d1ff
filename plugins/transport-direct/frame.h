#pragma once
// The direct transport's wire format. After the TLS handshake (or at once in plaintext mode)
// each side sends frames:
//
//     length (4 bytes, big-endian: the number of bytes that follow) | type (1 byte) | body
//
//   HELLO    body = the sender's account, UTF-8 (1..255 bytes, no control characters)
//   MESSAGE  body = sequence number (8 bytes, big-endian) + payload
//   ACK      body = the sequence number of a MESSAGE whose payload the receiver has handed over
//   PING     empty body; answered with PONG
//   PONG     empty body
//
// Both sides send HELLO first. Everything here is pure byte work: no I/O, no threads.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relaysync::transport_direct {

enum class FrameType : std::uint8_t { hello = 1, message = 2, ack = 3, ping = 4, pong = 5 };

const char* toString(FrameType type) noexcept;

inline constexpr std::size_t kLengthBytes = 4;
inline constexpr std::size_t kSeqBytes = 8;
inline constexpr std::size_t kMaxAccountBytes = 255;

// What the length field says for a MESSAGE carrying `payload_bytes`: type + seq + payload.
constexpr std::size_t messageFrameLength(std::size_t payload_bytes) { return 1 + kSeqBytes + payload_bytes; }

struct Frame {
    FrameType type = FrameType::ping;
    std::string body;
};

// A stream that breaks the protocol; the text says how, for the log.
class FrameError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string encodeFrame(FrameType type, std::string_view body);
std::string encodeHello(std::string_view account);
std::string encodeMessage(std::uint64_t seq, std::string_view payload);
std::string encodeAck(std::uint64_t seq);

// Body decoders; each throws FrameError when the body is malformed.
std::string decodeHello(std::string_view body);
std::uint64_t decodeMessage(std::string_view body, std::string_view& payload);
std::uint64_t decodeAck(std::string_view body);
void decodeEmpty(FrameType type, std::string_view body);  // PING, PONG

// Why `account` is not a well-formed account name, or empty when it is.
std::string accountProblem(std::string_view account);

// Cuts a byte stream into frames, one at a time. feed() stops where a frame's header (length
// and type) ends, so that the caller can check the frame or make room for it before any of its
// body is stored: a bad or oversized header throws before a byte of body is kept. A body is
// kept in one allocation of exactly its size, handed over without a copy by take().
class FrameReader {
public:
    static constexpr std::size_t kHeaderBytes = kLengthBytes + 1;

    explicit FrameReader(std::size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

    // Takes bytes from `data` up to the end of the current frame's header or body, whichever
    // comes first, and returns how many it took; 0 while a complete frame waits for take().
    // Throws FrameError as soon as the length or the type is bad.
    std::size_t feed(const char* data, std::size_t size);
    bool headerComplete() const noexcept { return header_got_ == kHeaderBytes; }
    // Some of a frame has arrived and it has not been taken yet.
    bool started() const noexcept { return header_got_ > 0; }
    // Once the header is complete: its length field (type byte + body) and its type.
    std::size_t length() const noexcept { return length_; }
    FrameType type() const noexcept { return static_cast<FrameType>(header_[kLengthBytes]); }
    // Bytes the current frame still lacks (header first, then body); 0 once it is complete.
    std::size_t missing() const noexcept;
    // The frame once complete; the reader then starts on the next one.
    std::optional<Frame> take();

private:
    std::size_t max_frame_bytes_;
    unsigned char header_[kHeaderBytes] = {};
    std::size_t header_got_ = 0;
    std::size_t length_ = 0;
    std::string body_;
};

}  // namespace relaysync::transport_direct
