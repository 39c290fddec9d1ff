#include "admin/request_line_buffer.h"

namespace relaysync::core {

RequestLineBuffer::Next RequestLineBuffer::next(std::string& line) {
    const auto end = buffer_.find('\n', scanned_);
    if (end == std::string::npos) {
        scanned_ = buffer_.size();
        return scanned_ > max_line_bytes_ ? Next::too_long : Next::incomplete;
    }
    if (end > max_line_bytes_) return Next::too_long;
    line.assign(buffer_, 0, end);
    buffer_.erase(0, end + 1);
    scanned_ = 0;
    return Next::line;
}

}  // namespace relaysync::core
