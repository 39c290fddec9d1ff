#pragma once
// Turning one request line into one response line: {"ok": true, ...the result} or
// {"ok": false, "error": "<one line>"}.

#include <functional>
#include <string>

#include <Poco/JSON/Object.h>

namespace relaysync::core {

// Answers one request. Throwing CommandError (or any std::exception) makes an error response.
using AdminHandler = std::function<Poco::JSON::Object::Ptr(const Poco::JSON::Object::Ptr& request)>;

Poco::JSON::Object::Ptr errorResponse(const std::string& message);

// Parses `line` as a JSON object and runs `handler` on it; never throws.
Poco::JSON::Object::Ptr answerRequest(const AdminHandler& handler, const std::string& line);

// A result may carry raw bytes under this key (fetch-next's chunk): they are sent after the
// response's line, which says how many (`attachment_bytes`), instead of inside the JSON, whose
// writing and parsing cost far more than the bytes' transfer (docs/admin.md, "Remote access").
inline constexpr const char* kAttachment = "attachment";
inline constexpr const char* kAttachmentBytes = "attachment_bytes";

// The response as sent: one line of JSON with its newline, then its attachment's bytes, if any.
std::string responseLine(const Poco::JSON::Object::Ptr& response);

}  // namespace relaysync::core
