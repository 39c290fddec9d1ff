#include "log_text.h"

#include <cstdio>

namespace relaysync::plugin_common {

std::string loggable(std::string_view value, std::size_t max_bytes) {
    std::string out;
    std::size_t i = 0;
    for (; i < value.size(); ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        // Cut before a byte that starts a character, not inside a UTF-8 sequence (but a run of
        // stray continuation bytes is cut anyway).
        if (out.size() >= max_bytes && ((c & 0xc0) != 0x80 || out.size() >= max_bytes + 3)) break;
        if (c < 0x20 || c == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
            out += escaped;
        } else if (c == '\\') {
            out += "\\\\";
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    if (i < value.size()) out += "...(" + std::to_string(value.size()) + " bytes)";
    return out;
}

}  // namespace relaysync::plugin_common
