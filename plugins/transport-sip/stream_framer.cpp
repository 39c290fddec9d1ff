#include "stream_framer.h"

#include <cctype>
#include <charconv>

namespace relaysync::transport_sip {

namespace {

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    return true;
}

// The Content-Length (or compact "l") value of a head, -1 when absent, -2 when malformed or twice.
long long contentLength(std::string_view head) {
    long long found = -1;
    for (std::size_t start = head.find("\r\n"); start != std::string_view::npos && start + 2 < head.size();) {
        start += 2;
        const auto end = head.find("\r\n", start);
        const std::string_view line = head.substr(start, end - start);
        // The header's name is exactly Content-Length (or compact l): "Content-Length-Hint" is
        // another header, which a proxy passes on as it is.
        const auto named = [&](std::string_view name) {
            return startsWithNoCase(line, name) &&
                   (line.size() == name.size() || line[name.size()] == ':' || line[name.size()] == ' ' ||
                    line[name.size()] == '\t');
        };
        std::string_view rest;
        if (named("content-length")) rest = line.substr(14);
        else if (named("l")) rest = line.substr(1);
        else {
            start = end;
            continue;
        }
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
        if (rest.empty() || rest.front() != ':') return -2;
        rest.remove_prefix(1);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
        unsigned long long value = 0;
        const auto [ptr, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
        if (rest.empty() || error != std::errc() || ptr != rest.data() + rest.size() || found != -1) return -2;
        found = static_cast<long long>(value > (1ull << 40) ? (1ull << 40) : value);
        start = end;
    }
    return found;
}

}  // namespace

std::optional<Frame> StreamFramer::fail(std::string why) {
    error_ = std::move(why);
    buffer_.clear();
    return std::nullopt;
}

std::optional<Frame> StreamFramer::next() {
    if (!error_.empty()) return std::nullopt;
    if (skipping_ > 0) {
        const std::size_t dropped = std::min(skipping_, buffer_.size());
        buffer_.erase(0, dropped);
        skipping_ -= dropped;
        if (skipping_ > 0) return std::nullopt;
    }
    if (buffer_.size() >= 2 && buffer_[0] == '\r' && buffer_[1] == '\n') {
        buffer_.erase(0, 2);
        return Frame{Frame::Kind::pong, {}, {}};
    }
    if (buffer_.size() == 1 && buffer_[0] == '\r') return std::nullopt;
    const auto head_end = buffer_.find("\r\n\r\n");
    if (head_end == std::string::npos) {
        if (buffer_.size() > max_head_) return fail("a message head longer than " + std::to_string(max_head_) + " bytes");
        return std::nullopt;
    }
    const std::size_t head_size = head_end + 4;
    if (head_size > max_head_) return fail("a message head longer than " + std::to_string(max_head_) + " bytes");
    const long long length = contentLength(std::string_view(buffer_).substr(0, head_end + 2));
    if (length == -1) return fail("a message without Content-Length");
    if (length < 0) return fail("a malformed or repeated Content-Length");
    if (static_cast<unsigned long long>(length) > max_skipped_)
        return fail("a body of " + std::to_string(length) + " bytes, more than " + std::to_string(max_skipped_));
    if (static_cast<unsigned long long>(length) > max_body_) {
        Frame frame{Frame::Kind::too_large, buffer_.substr(0, head_size), {}, static_cast<std::size_t>(length)};
        buffer_.erase(0, head_size);
        skipping_ = static_cast<std::size_t>(length);
        return frame;
    }
    if (buffer_.size() < head_size + static_cast<std::size_t>(length)) return std::nullopt;
    Frame frame;
    frame.head = buffer_.substr(0, head_size);
    frame.body = buffer_.substr(head_size, static_cast<std::size_t>(length));
    frame.body_size = frame.body.size();
    buffer_.erase(0, head_size + static_cast<std::size_t>(length));
    return frame;
}

}  // namespace relaysync::transport_sip
