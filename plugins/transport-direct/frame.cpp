#include "frame.h"

#include <algorithm>
#include <cstring>

namespace relaysync::transport_direct {

namespace {

void putBigEndian(std::string& out, std::uint64_t value, std::size_t bytes) {
    for (std::size_t i = bytes; i-- > 0;) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t getBigEndian(std::string_view in, std::size_t bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[i]);
    return value;
}

bool knownType(std::uint8_t type) {
    return type >= static_cast<std::uint8_t>(FrameType::hello) && type <= static_cast<std::uint8_t>(FrameType::pong);
}

// Well-formed UTF-8 without overlong forms or surrogates.
bool validUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1, code = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2, code = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3, code = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= text.size()) return false;  // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) return false;
            code = (code << 6) | (next & 0x3f);
        }
        static constexpr std::uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
        if (code < kSmallest[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace

const char* toString(FrameType type) noexcept {
    switch (type) {
    case FrameType::hello: return "HELLO";
    case FrameType::message: return "MESSAGE";
    case FrameType::ack: return "ACK";
    case FrameType::ping: return "PING";
    case FrameType::pong: return "PONG";
    }
    return "unknown";
}

std::string encodeFrame(FrameType type, std::string_view body) {
    std::string frame;
    frame.reserve(kLengthBytes + 1 + body.size());
    putBigEndian(frame, 1 + body.size(), kLengthBytes);
    frame.push_back(static_cast<char>(type));
    frame.append(body);
    return frame;
}

std::string encodeHello(std::string_view account) { return encodeFrame(FrameType::hello, account); }

std::string encodeMessage(std::uint64_t seq, std::string_view payload) {
    std::string frame;
    frame.reserve(kLengthBytes + messageFrameLength(payload.size()));
    putBigEndian(frame, messageFrameLength(payload.size()), kLengthBytes);
    frame.push_back(static_cast<char>(FrameType::message));
    putBigEndian(frame, seq, kSeqBytes);
    frame.append(payload);
    return frame;
}

std::string encodeAck(std::uint64_t seq) {
    std::string body;
    putBigEndian(body, seq, kSeqBytes);
    return encodeFrame(FrameType::ack, body);
}

std::string accountProblem(std::string_view account) {
    if (account.empty()) return "the account is empty";
    if (account.size() > kMaxAccountBytes) return "the account is longer than 255 bytes";
    for (const char c : account)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "the account contains a control character";
    if (!validUtf8(account)) return "the account is not valid UTF-8";
    return {};
}

std::string decodeHello(std::string_view body) {
    if (const auto problem = accountProblem(body); !problem.empty()) throw FrameError("malformed HELLO: " + problem);
    return std::string(body);
}

std::uint64_t decodeMessage(std::string_view body, std::string_view& payload) {
    if (body.size() < kSeqBytes) throw FrameError("malformed MESSAGE: shorter than its sequence number");
    payload = body.substr(kSeqBytes);
    return getBigEndian(body, kSeqBytes);
}

std::uint64_t decodeAck(std::string_view body) {
    if (body.size() != kSeqBytes)
        throw FrameError("malformed ACK: body of " + std::to_string(body.size()) + " bytes instead of 8");
    return getBigEndian(body, kSeqBytes);
}

void decodeEmpty(FrameType type, std::string_view body) {
    if (!body.empty()) throw FrameError(std::string("malformed ") + toString(type) + ": it has a body");
}

std::size_t FrameReader::missing() const noexcept {
    if (!headerComplete()) return kHeaderBytes - header_got_;
    return length_ - 1 - body_.size();
}

std::size_t FrameReader::feed(const char* data, std::size_t size) {
    if (!headerComplete()) {
        const std::size_t taken = std::min(size, kHeaderBytes - header_got_);
        std::memcpy(header_ + header_got_, data, taken);
        header_got_ += taken;
        if (header_got_ >= kLengthBytes && length_ == 0) {
            length_ = getBigEndian(std::string_view(reinterpret_cast<const char*>(header_), kLengthBytes), kLengthBytes);
            if (length_ == 0) throw FrameError("frame with length 0");
            if (length_ > max_frame_bytes_)
                throw FrameError("frame of " + std::to_string(length_) + " bytes exceeds max_frame_bytes (" +
                                 std::to_string(max_frame_bytes_) + ")");
        }
        if (headerComplete() && !knownType(header_[kLengthBytes]))
            throw FrameError("unknown frame type " + std::to_string(header_[kLengthBytes]));
        return taken;
    }
    const std::size_t taken = std::min(size, missing());
    if (taken > 0 && body_.empty()) body_.reserve(length_ - 1);
    body_.append(data, taken);
    return taken;
}

std::optional<Frame> FrameReader::take() {
    if (!headerComplete() || missing() > 0) return std::nullopt;
    Frame frame{type(), std::move(body_)};
    body_ = std::string();
    header_got_ = 0;
    length_ = 0;
    return frame;
}

}  // namespace relaysync::transport_direct
