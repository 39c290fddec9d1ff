// Fuzz target: the direct transport's frame reader (plugins/transport-direct/frame.h) and its
// body decoders, on a byte stream as it comes off a TCP connection in pieces.
//
// Input: byte 0 picks max_frame_bytes, bytes 1-2 the sizes of the pieces the stream arrives in;
// the rest is the stream. Checked: FrameReader and the decoders throw FrameError and nothing
// else; the frames read re-encode to exactly the bytes they came from; reading the stream in
// pieces gives the same frames, and the same error, as reading it whole.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frame.h"

using namespace relaysync::transport_direct;

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_frame: %s\n", what);
    std::abort();
}

struct Reading {
    std::vector<Frame> frames;
    std::optional<std::string> error;
};

// Feeds `stream` in pieces of `piece` bytes (0: all at once), taking every frame after each.
Reading read(std::string_view stream, std::size_t max_frame_bytes, std::size_t piece) {
    Reading reading;
    FrameReader reader(max_frame_bytes);
    std::size_t offset = 0;
    try {
        do {
            const auto n = piece == 0 ? stream.size() : std::min(piece, stream.size() - offset);
            // feed() takes bytes up to the end of the current header or body; a complete
            // frame waits for take() (feed() then takes nothing).
            for (std::size_t used = 0; used < n;) {
                const auto took = reader.feed(stream.data() + offset + used, n - used);
                used += took;
                auto frame = reader.take();
                if (frame) reading.frames.push_back(std::move(*frame));
                else if (took == 0) fail("feed() took nothing and no frame was complete");
            }
            offset += n;
        } while (offset < stream.size());
    } catch (const FrameError& e) {
        reading.error = e.what();  // the connection is closed here
    }
    return reading;
}

// Decodes a frame's body as the connection does, and checks it encodes back to the same bytes.
void decodeBody(const Frame& frame) {
    try {
        switch (frame.type) {
        case FrameType::hello:
            if (encodeHello(decodeHello(frame.body)) != encodeFrame(frame.type, frame.body))
                fail("HELLO does not round-trip");
            break;
        case FrameType::message: {
            std::string_view payload;
            const auto seq = decodeMessage(frame.body, payload);
            if (encodeMessage(seq, payload) != encodeFrame(frame.type, frame.body)) fail("MESSAGE does not round-trip");
            break;
        }
        case FrameType::ack:
            if (encodeAck(decodeAck(frame.body)) != encodeFrame(frame.type, frame.body)) fail("ACK does not round-trip");
            break;
        case FrameType::ping:
        case FrameType::pong: decodeEmpty(frame.type, frame.body); break;
        }
    } catch (const FrameError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    // Small limits reach the oversize checks; 0 means "large" (the plugin's default is MBs).
    const std::size_t max_frame_bytes = data[0] == 0 ? std::size_t{1} << 24 : data[0];
    const std::size_t piece_a = data[1] % 16;
    const std::size_t piece_b = 1 + data[2] % 7;
    const std::string_view stream(reinterpret_cast<const char*>(data) + 3, size - 3);

    const auto whole = read(stream, max_frame_bytes, 0);
    std::string reencoded;
    for (const auto& frame : whole.frames) {
        if (frame.body.size() + 1 > max_frame_bytes) fail("a frame longer than max_frame_bytes was returned");
        reencoded += encodeFrame(frame.type, frame.body);
        decodeBody(frame);
    }
    if (stream.substr(0, reencoded.size()) != reencoded) fail("the frames read are not the bytes of the stream");
    if (!whole.error && stream.size() - reencoded.size() >= kLengthBytes + 1) {
        // What is left must be an incomplete frame whose header has passed the checks.
        const auto rest = stream.substr(reencoded.size());
        std::uint64_t length = 0;
        for (std::size_t i = 0; i < kLengthBytes; ++i) length = (length << 8) | static_cast<unsigned char>(rest[i]);
        if (rest.size() >= kLengthBytes + length) fail("a complete frame was left unread");
    }

    for (const auto piece : {piece_a, piece_b}) {
        const auto pieces = read(stream, max_frame_bytes, piece);
        if (pieces.error != whole.error) fail("reading in pieces gives another error than reading whole");
        if (pieces.frames.size() != whole.frames.size()) fail("reading in pieces gives other frames");
        for (std::size_t i = 0; i < whole.frames.size(); ++i)
            if (pieces.frames[i].type != whole.frames[i].type || pieces.frames[i].body != whole.frames[i].body)
                fail("reading in pieces gives other frames");
    }
    return 0;
}
