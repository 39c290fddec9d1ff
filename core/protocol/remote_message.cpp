#include "protocol/remote_message.h"

#include <array>
#include <cstring>
#include <sstream>
#include <utility>

#include "protocol/codec.h"
#include "protocol/json_fields.h"
#include "protocol/message.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

namespace {
constexpr std::array<std::pair<RemoteType, const char*>, 5> kTypeNames{{
    {RemoteType::browse_request, "browse-request"},
    {RemoteType::browse_result, "browse-result"},
    {RemoteType::fetch_request, "fetch-request"},
    {RemoteType::fetch_data, "fetch-data"},
    {RemoteType::remote_error, "remote-error"},
}};
constexpr std::array<std::pair<RemoteErrorCode, const char*>, 8> kErrorNames{{
    {RemoteErrorCode::offline, "offline"},
    {RemoteErrorCode::gone, "gone"},
    {RemoteErrorCode::unreachable, "unreachable"},
    {RemoteErrorCode::not_member, "not-member"},
    {RemoteErrorCode::refused, "refused"},
    {RemoteErrorCode::bad_path, "bad-path"},
    {RemoteErrorCode::changed, "changed"},
    {RemoteErrorCode::invalid, "invalid"},
}};

constexpr std::size_t kMagicBytes = std::char_traits<char>::length(kRemoteLaneMagic);
constexpr std::size_t kMaxNameBytes = 1024;    // an entry name (docs/protocol.md, "Names")
constexpr std::size_t kMaxPathBytes = 4096;    // a path inside an entry, like a location
constexpr std::size_t kMaxReasonBytes = 1024;

bool isTransferId(const std::string& id) {
    if (id.size() != 32) return false;
    for (const char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::uint64_t requireCount(const Poco::JSON::Object::Ptr& body, const std::string& key, std::uint64_t max) {
    const auto value = json::requireInt(body, key, "body");
    if (value < 0 || static_cast<std::uint64_t>(value) > max)
        throw ProtocolError("field 'body." + key + "' must be between 0 and " + std::to_string(max));
    return static_cast<std::uint64_t>(value);
}

constexpr std::uint64_t kMaxOffset = std::uint64_t(1) << 62;

void writeRequest(Poco::JSON::Object& body, const RemoteMessage& m) {
    body.set("entry", m.entry);
    body.set("path", m.path);
}
void readRequest(const Poco::JSON::Object::Ptr& body, RemoteMessage& m) {
    m.entry = json::requireName(body, "entry", "body", kMaxNameBytes);
    m.path = json::requireName(body, "path", "body", kMaxPathBytes, true);
}

Poco::JSON::Object::Ptr itemToJson(const RemoteItem& item) {
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object;
    json->set("name", item.name);
    json->set("kind", item.folder ? "folder" : "file");
    json->set("size", static_cast<Poco::Int64>(item.size));
    json->set("modified_ms", static_cast<Poco::Int64>(item.modified_ms));
    return json;
}

bool requireKind(const Poco::JSON::Object::Ptr& object, const std::string& where) {
    const auto kind = json::requireString(object, "kind", where);
    if (kind != "file" && kind != "folder") throw ProtocolError("field '" + where + ".kind' must be file or folder");
    return kind == "folder";
}

RemoteItem itemFromJson(const Poco::JSON::Object::Ptr& json, const std::string& where) {
    RemoteItem item;
    item.name = json::requireName(json, "name", where, kMaxNameBytes);
    if (item.name == "." || item.name == ".." || item.name.find('/') != std::string::npos)
        throw ProtocolError("field '" + where + ".name' must be one path component");
    item.folder = requireKind(json, where);
    const auto size = json::requireInt(json, "size", where);
    if (size < 0) throw ProtocolError("field '" + where + ".size' must not be negative");
    item.size = static_cast<std::uint64_t>(size);
    item.modified_ms = json::requireInt(json, "modified_ms", where);
    return item;
}
}  // namespace

const char* wireName(RemoteType type) noexcept {
    for (const auto& [t, name] : kTypeNames)
        if (t == type) return name;
    return "unknown";
}

std::optional<RemoteType> remoteTypeFromWire(const std::string& name) noexcept {
    for (const auto& [t, wire] : kTypeNames)
        if (name == wire) return t;
    return std::nullopt;
}

const char* wireName(RemoteErrorCode code) noexcept {
    for (const auto& [c, name] : kErrorNames)
        if (c == code) return name;
    return "invalid";
}

std::optional<RemoteErrorCode> remoteErrorFromWire(const std::string& name) noexcept {
    for (const auto& [c, wire] : kErrorNames)
        if (name == wire) return c;
    return std::nullopt;
}

RemoteMessage remoteError(const RemoteMessage& request, RemoteErrorCode code, std::string reason) {
    RemoteMessage error;
    error.type = RemoteType::remote_error;
    error.transfer = request.transfer;
    error.asker = request.asker;
    error.owner = request.owner;
    error.share_id = request.share_id;
    error.code = code;
    error.reason = std::move(reason);
    return error;
}

bool isRemotePayload(const std::string& payload) noexcept {
    return payload.size() >= kMagicBytes && payload.compare(0, kMagicBytes, kRemoteLaneMagic) == 0;
}

std::string encodeRemote(const RemoteMessage& m) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("transfer", m.transfer);
    body->set("asker", m.asker);
    body->set("owner", m.owner);
    body->set("share_id", m.share_id);
    switch (m.type) {
    case RemoteType::browse_request:
        writeRequest(*body, m);
        body->set("offset", static_cast<Poco::Int64>(m.offset));  // items of the folder to skip: the page
        break;
    case RemoteType::fetch_request:
        writeRequest(*body, m);
        body->set("offset", static_cast<Poco::Int64>(m.offset));
        body->set("length", static_cast<Poco::Int64>(m.length));
        body->set("size", static_cast<Poco::Int64>(m.size));
        body->set("modified_ms", static_cast<Poco::Int64>(m.modified_ms));
        break;
    case RemoteType::browse_result: {
        body->set("kind", m.folder ? "folder" : "file");
        body->set("size", static_cast<Poco::Int64>(m.size));
        body->set("modified_ms", static_cast<Poco::Int64>(m.modified_ms));
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& item : m.items) items->add(itemToJson(item));
        body->set("items", items);
        body->set("more_items", static_cast<Poco::Int64>(m.more_items));
        break;
    }
    case RemoteType::fetch_data:
        body->set("offset", static_cast<Poco::Int64>(m.offset));
        body->set("size", static_cast<Poco::Int64>(m.size));
        body->set("modified_ms", static_cast<Poco::Int64>(m.modified_ms));
        body->set("last", m.last);
        body->set("hash", m.hash);
        break;
    case RemoteType::remote_error:
        body->set("code", std::string(wireName(m.code)));
        body->set("reason", m.reason.size() > kMaxReasonBytes ? m.reason.substr(0, kMaxReasonBytes) : m.reason);
        break;
    }
    if (m.data.size() > kMaxRemoteChunkBytes)
        throw ProtocolError("fetch-data of " + std::to_string(m.data.size()) + " bytes exceeds the chunk limit of " +
                            std::to_string(kMaxRemoteChunkBytes));
    if (m.type != RemoteType::fetch_data && !m.data.empty())
        throw ProtocolError(std::string(wireName(m.type)) + " carries no content");
    Poco::JSON::Object header;
    header.set("relaysync", kProtocolVersion);
    header.set("type", std::string(wireName(m.type)));
    header.set("from", m.from);
    header.set("to", m.to);
    header.set("body", body);
    std::ostringstream out;
    out << kRemoteLaneMagic;
    header.stringify(out);
    out << '\n';
    auto bytes = out.str();
    if (bytes.size() - kMagicBytes - 1 > kMaxRemoteHeaderBytes)
        throw ProtocolError(std::string(wireName(m.type)) + " header exceeds " + std::to_string(kMaxRemoteHeaderBytes) +
                            " bytes");
    bytes += m.data;
    return bytes;
}

RemoteMessage decodeRemote(const std::string& payload) {
    if (!isRemotePayload(payload)) throw ProtocolError("not a remote-access message (no 'relaysync-remote' line)");
    const auto end = payload.find('\n', kMagicBytes);
    if (end == std::string::npos || end - kMagicBytes > kMaxRemoteHeaderBytes)
        throw ProtocolError("remote-access header is not a line of at most " + std::to_string(kMaxRemoteHeaderBytes) +
                            " bytes");
    const auto header =
        parseJsonObject(std::string_view(payload).substr(kMagicBytes, end - kMagicBytes), "remote-access header");
    requireOwnProtocolVersion(header);
    RemoteMessage m;
    const auto type = json::requireString(header, "type", "message");
    const auto parsed = remoteTypeFromWire(type);
    if (!parsed) throw ProtocolError("remote-access message has unknown type '" + type + "'");
    m.type = *parsed;
    m.from = json::requireAccount(header, "from", "message");
    m.to = json::requireAccount(header, "to", "message");
    const auto body = json::requireObject(header, "body", "message");
    m.transfer = json::requireString(body, "transfer", "body");
    if (!isTransferId(m.transfer)) throw ProtocolError("field 'body.transfer' must be 32 lowercase hex digits");
    m.asker = json::requireAccount(body, "asker", "body");
    m.owner = json::requireAccount(body, "owner", "body");
    m.share_id = json::requireName(body, "share_id", "body", kMaxNameBytes);
    switch (m.type) {
    case RemoteType::browse_request:
        readRequest(body, m);
        m.offset = requireCount(body, "offset", kMaxOffset);
        break;
    case RemoteType::fetch_request: {
        readRequest(body, m);
        m.offset = requireCount(body, "offset", kMaxOffset);
        m.length = requireCount(body, "length", kMaxRemoteChunkBytes);
        m.size = json::requireInt(body, "size", "body");
        if (m.size < -1) throw ProtocolError("field 'body.size' must be -1 or more");
        m.modified_ms = json::requireInt(body, "modified_ms", "body");
        break;
    }
    case RemoteType::browse_result: {
        m.folder = requireKind(body, "body");
        m.size = static_cast<std::int64_t>(requireCount(body, "size", kMaxOffset));
        m.modified_ms = json::requireInt(body, "modified_ms", "body");
        const auto items = json::requireArray(body, "items", "body");
        if (items->size() > kMaxBrowseItems)
            throw ProtocolError("field 'body.items' holds more than " + std::to_string(kMaxBrowseItems) + " items");
        for (std::size_t i = 0; i < items->size(); ++i)
            m.items.push_back(itemFromJson(json::objectAt(items, i, "body.items"), "body.items[" + std::to_string(i) + "]"));
        m.more_items = requireCount(body, "more_items", kMaxOffset);
        break;
    }
    case RemoteType::fetch_data:
        m.offset = requireCount(body, "offset", kMaxOffset);
        m.size = static_cast<std::int64_t>(requireCount(body, "size", kMaxOffset));
        m.modified_ms = json::requireInt(body, "modified_ms", "body");
        m.last = json::requireBool(body, "last", "body");
        m.hash = json::requireName(body, "hash", "body", 128, true);
        break;
    case RemoteType::remote_error: {
        const auto code = json::requireString(body, "code", "body");
        const auto known = remoteErrorFromWire(code);
        // A code this node does not know yet reads as `invalid`, with the reason kept.
        m.code = known ? *known : RemoteErrorCode::invalid;
        m.reason = json::requireName(body, "reason", "body", kMaxReasonBytes, true);
        break;
    }
    }
    const auto content = payload.size() - end - 1;
    if (m.type != RemoteType::fetch_data && content != 0)
        throw ProtocolError(type + " carries " + std::to_string(content) + " bytes after its header; only fetch-data has content");
    if (content > kMaxRemoteChunkBytes)
        throw ProtocolError("fetch-data carries " + std::to_string(content) + " bytes, more than the chunk limit of " +
                            std::to_string(kMaxRemoteChunkBytes));
    if (m.type == RemoteType::fetch_data) m.data.assign(payload, end + 1, content);
    return m;
}

}  // namespace relaysync::core
