#pragma once
// The bytes an admin connection has sent, cut into request lines, with the line limit applied
// as they arrive (so a client cannot make the daemon hold much more than the limit).

#include <cstddef>
#include <string>
#include <string_view>

namespace relaysync::core {

class RequestLineBuffer {
public:
    enum class Next { incomplete, line, too_long };

    explicit RequestLineBuffer(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

    void append(std::string_view bytes) { buffer_.append(bytes); }

    // line: the next complete line (without its newline) is moved into `line`. too_long: the
    // next line, complete or not, is longer than the limit. incomplete: no newline yet.
    Next next(std::string& line);

    // Bytes held that are not yet taken as lines.
    std::size_t pendingBytes() const { return buffer_.size(); }

private:
    std::size_t max_line_bytes_;
    std::string buffer_;
    std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no newline
};

}  // namespace relaysync::core
