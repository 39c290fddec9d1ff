#pragma once
// Errors crossing the plugin boundary are values, never exceptions.

#include <string>
#include <utility>

namespace relaysync::sdk {

enum class StatusCode {
    ok,
    not_found,          // the thing asked for does not exist (an entity that is gone)
    unreachable,        // the thing may exist but cannot be reached now (server down, root missing)
    invalid_argument,   // the request itself is wrong (bad path, bad config value)
    permission_denied,  // reached, but access refused
    io_error,           // reached, but reading or writing failed
    internal,           // a bug or an unexpected failure inside the plugin
};

const char* toString(StatusCode code) noexcept;

class [[nodiscard]] Status {
public:
    Status() = default;  // ok
    Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

    static Status ok() { return {}; }
    static Status notFound(std::string m) { return {StatusCode::not_found, std::move(m)}; }
    static Status unreachable(std::string m) { return {StatusCode::unreachable, std::move(m)}; }
    static Status invalidArgument(std::string m) { return {StatusCode::invalid_argument, std::move(m)}; }
    static Status permissionDenied(std::string m) { return {StatusCode::permission_denied, std::move(m)}; }
    static Status ioError(std::string m) { return {StatusCode::io_error, std::move(m)}; }
    static Status internal(std::string m) { return {StatusCode::internal, std::move(m)}; }

    bool isOk() const noexcept { return code_ == StatusCode::ok; }
    bool isNotFound() const noexcept { return code_ == StatusCode::not_found; }
    bool isUnreachable() const noexcept { return code_ == StatusCode::unreachable; }
    StatusCode code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }

    // "not_found: folderA/x.txt does not exist"; "ok" for success.
    std::string toString() const;

private:
    StatusCode code_ = StatusCode::ok;
    std::string message_;
};

inline const char* toString(StatusCode code) noexcept {
    switch (code) {
    case StatusCode::ok: return "ok";
    case StatusCode::not_found: return "not_found";
    case StatusCode::unreachable: return "unreachable";
    case StatusCode::invalid_argument: return "invalid_argument";
    case StatusCode::permission_denied: return "permission_denied";
    case StatusCode::io_error: return "io_error";
    case StatusCode::internal: return "internal";
    }
    return "unknown";
}

inline std::string Status::toString() const {
    if (isOk()) return "ok";
    return std::string(sdk::toString(code_)) + ": " + message_;
}

}  // namespace relaysync::sdk
