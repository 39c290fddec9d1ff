#include "protocol/entry_chunks.h"

#include <charconv>

#include <Poco/JSON/Stringifier.h>

namespace relaysync::core {

namespace {

// Text Poco writes as it is: printable ASCII but for '"' and '\' (Poco leaves '/' alone).
bool writtenAsIs(std::string_view text) {
    for (const unsigned char c : text)
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
    return true;
}

void appendString(std::string& out, const std::string& value) {
    if (writtenAsIs(value)) {
        out += '"';
        out += value;
        out += '"';
        return;
    }
    std::ostringstream escaped;  // anything else exactly as Poco escapes it
    Poco::JSON::Stringifier::formatString(value, escaped);
    out += escaped.str();
}

void appendNumber(std::string& out, std::int64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

// toJson(entry) as Poco writes it: keys in sorted order, no spaces.
void appendEntry(std::string& out, const ResourceEntry& entry) {
    out += "{\"hash\":";
    appendString(out, entry.details.hash);
    out += ",\"kind\":\"";
    out += sdk::toString(entry.details.kind);
    out += "\",\"location\":";
    appendString(out, entry.location);
    out += ",\"modified_ms\":";
    appendNumber(out, entry.details.modified_ms);
    out += ",\"name\":";
    appendString(out, entry.name);
    out += ",\"owner\":";
    appendString(out, entry.owner);
    out += ",\"removed\":";
    out += entry.removed ? "true" : "false";
    out += ",\"share_id\":";
    appendString(out, entry.share_id);
    out += ",\"size\":";
    appendNumber(out, static_cast<std::int64_t>(entry.details.size));
    out += ",\"status\":";
    appendString(out, entry.status);
    out += ",\"version\":";
    appendNumber(out, entry.version);
    out += '}';
}

}  // namespace

std::string entriesBodyJson(const std::string& share_id, const std::vector<ResourceEntry>& entries) {
    std::string out;
    std::size_t bytes = 32 + share_id.size();
    for (const auto& entry : entries) bytes += jsonBytesAtMost(entry) + 1;
    out.reserve(bytes);
    out += "{\"entries\":[";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += ',';
        appendEntry(out, entries[i]);
    }
    out += "],\"share_id\":";
    appendString(out, share_id);
    out += '}';
    return out;
}

}  // namespace relaysync::core
