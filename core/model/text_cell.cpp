#include "model/text_cell.h"

#include <cstdio>
#include <vector>

namespace relaysync::core {

namespace {

std::string hexEscape(unsigned char byte) {
    char text[5];
    std::snprintf(text, sizeof text, "\\x%02x", byte);
    return text;
}

// Length of the well-formed UTF-8 sequence at text[i], or 0 when it is not one.
std::size_t utf8Length(std::string_view text, std::size_t i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    // Lead byte: how long the sequence is, the smallest code it may encode, its own bits.
    struct Lead {
        unsigned char first, last;
        std::size_t length;
        unsigned minimum, mask;
    };
    static constexpr Lead kLeads[] = {{0xC2, 0xDF, 2, 0x80, 0x1F}, {0xE0, 0xEF, 3, 0x800, 0x0F}, {0xF0, 0xF4, 4, 0x10000, 0x07}};
    const Lead* lead = nullptr;
    for (const auto& each : kLeads)
        if (byte >= each.first && byte <= each.last) lead = &each;
    if (!lead) return 0;
    const auto length = lead->length;
    const auto minimum = lead->minimum;
    unsigned code = byte & lead->mask;
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0) != 0x80) return 0;
        code = (code << 6) | (next & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    if (code >= 0x80 && code <= 0x9F) return 0;  // C1 controls: escaped like the others
    return length;
}

}  // namespace

std::string nameProblem(std::string_view text, std::size_t max_bytes, bool may_be_empty) {
    if (text.empty()) return may_be_empty ? std::string() : "is empty";
    if (text.size() > max_bytes) return "is longer than " + std::to_string(max_bytes) + " bytes";
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == 0x7F) return "contains a control character";
        if (byte < 0x80) {
            ++i;
            continue;
        }
        const auto length = utf8Length(text, i);
        if (length == 0) {
            // utf8Length refuses C1 controls too; tell them apart from broken UTF-8.
            const bool c1 = byte == 0xC2 && i + 1 < text.size() &&
                            static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                            static_cast<unsigned char>(text[i + 1]) <= 0x9F;
            return c1 ? "contains a control character" : "is not valid UTF-8";
        }
        i += length;
    }
    return {};
}

std::string tableCell(std::string_view text, std::size_t max_chars) {
    // Each shown character with its width: shortening then never cuts an escape or a UTF-8
    // sequence in two.
    struct Shown {
        std::string text;
        std::size_t width;
    };
    std::vector<Shown> shown;
    std::size_t width = 0;
    auto show = [&](std::string each, std::size_t each_width) {
        width += each_width;
        shown.push_back({std::move(each), each_width});
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 1;
        if (byte == '\n') show("\\n", 2);
        else if (byte == '\r') show("\\r", 2);
        else if (byte == '\t') show("\\t", 2);
        else if (byte < 0x20 || byte == 0x7F) show(hexEscape(byte), 4);
        else if (byte < 0x80) show(std::string(1, static_cast<char>(byte)), 1);
        else if ((length = utf8Length(text, i)) > 0) show(std::string(text.substr(i, length)), 1);
        else {
            show(hexEscape(byte), 4);
            length = 1;
        }
        i += length;
    }
    std::string cell;
    if (width <= max_chars) {
        for (const auto& each : shown) cell += each.text;
        return cell;
    }
    const std::string ellipsis = "...";
    const auto room = max_chars > ellipsis.size() ? max_chars - ellipsis.size() : 0;
    std::size_t used = 0;
    for (const auto& each : shown) {
        if (used + each.width > room) break;
        cell += each.text;
        used += each.width;
    }
    return cell + ellipsis;
}

}  // namespace relaysync::core
