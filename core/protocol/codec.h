#pragma once
// The one codec of the protocol: every transport carries exactly these bytes (UTF-8 JSON).
//   {"relaysync":1,"type":"policy-data","id":"client11@relay-server1.net#7",
//    "from":"...","to":"...","body":{...}}

#include <cstddef>
#include <string>
#include <string_view>

#include <Poco/JSON/Handler.h>

#include "protocol/message.h"

namespace relaysync::core {

// Messages larger than this are refused before parsing.
inline constexpr std::size_t kMaxMessageBytes = 4 * 1024 * 1024;

// Throws ProtocolError for a message larger than kMaxMessageBytes.
std::string encode(const Message& message);
// The same bytes as encode() of `message` carrying the body whose JSON is `body_json` (as
// stringifyBody gives it; message.body is not read): a body that goes to several destinations
// is made into text once.
std::string encode(const Message& message, std::string_view body_json);
std::string stringifyBody(const Poco::JSON::Object& body);

// Throws ProtocolError naming what is wrong (size, JSON syntax, version, type, a field).
// EntriesIn::apart: body.entries becomes message.entries, checked already
// (protocol/entries_handler.h); what the engine receives is decoded so.
enum class EntriesIn { body, apart };
Message decode(const std::string& payload, EntriesIn entries = EntriesIn::body);

// What both lanes' decoders do first (this one and protocol/remote_message.h): `text` parsed as
// one JSON object, else ProtocolError "<what> is not valid JSON: ..." or "... is not a JSON
// object"; then its "relaysync" field must be this node's kProtocolVersion.
// `handler` builds the result (Poco's ParseHandler when null).
Poco::JSON::Object::Ptr parseJsonObject(std::string_view text, const std::string& what,
                                        const Poco::JSON::Handler::Ptr& handler = nullptr);
void requireOwnProtocolVersion(const Poco::JSON::Object::Ptr& envelope);

}  // namespace relaysync::core
