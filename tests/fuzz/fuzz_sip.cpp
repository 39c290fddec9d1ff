// Fuzz target: the SIP transport's inbound path (plugins/transport-sip): the stream framer on a
// byte stream arriving in pieces, libosip2's parse of each frame through parseSip, and the
// response a request would get.
//
// Input: byte 0 picks the size of the pieces the stream arrives in; the rest is the stream.
// Checked: nothing escapes as an exception; the framer gives the same frames and the same
// error read in pieces as read whole; a message that parses as a request can be answered.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sip_message.h"
#include "stream_framer.h"

using namespace relaysync::transport_sip;

namespace {

// The limits the transport uses by default: a head of 16 KiB, a body of one MESSAGE.
constexpr std::size_t kMaxHead = 16 * 1024;
constexpr std::size_t kMaxBody = 64 * 1024;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_sip: %s\n", what);
    std::abort();
}

struct Reading {
    std::vector<Frame> frames;
    std::string error;
};

Reading read(std::string_view stream, std::size_t piece) {
    Reading reading;
    StreamFramer framer(kMaxHead, kMaxBody);
    std::size_t offset = 0;
    do {
        const auto n = piece == 0 ? stream.size() : std::min(piece, stream.size() - offset);
        framer.feed(stream.data() + offset, n);
        offset += n;
        while (auto frame = framer.next()) reading.frames.push_back(std::move(*frame));
    } while (offset < stream.size() && framer.error().empty());
    reading.error = framer.error();
    return reading;
}

bool sameFrames(const std::vector<Frame>& a, const std::vector<Frame>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].kind != b[i].kind || a[i].head != b[i].head || a[i].body != b[i].body) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t piece = data[0] % 64;  // 0: all at once
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        const auto whole = read(stream, 0);
        const auto pieces = read(stream, piece);
        // Stops at the first error either way; frames before it must agree.
        if (whole.error.empty() && pieces.error.empty() && !sameFrames(whole.frames, pieces.frames))
            fail("frames differ when the stream arrives in pieces");
        for (const auto& frame : whole.frames) {
            if (frame.kind != Frame::Kind::message) continue;
            const auto parsed = parseSip(frame);
            if (!parsed.message && parsed.error.empty()) fail("a frame neither parsed nor said why");
            if (parsed.message && parsed.message->is_request)
                (void)formatResponse(*parsed.message, 400, "Bad Request", "tag");
        }
    } catch (...) {
        fail("an exception escaped the SIP inbound path");
    }
    return 0;
}
