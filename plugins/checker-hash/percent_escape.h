#pragma once
// %XX for the bytes a caller's format cannot carry as they are (the cache file's tabs and line
// breaks, the folder hash's control characters); '%' itself is always among them.

#include <string>

namespace relaysync::checker_hash {

template <class MustEscape>
std::string percentEscape(const std::string& text, MustEscape must_escape) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '%' || must_escape(byte)) {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace relaysync::checker_hash
