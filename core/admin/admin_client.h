#pragma once
// The admin CLI's side of the local admin channel: one JSON request, one JSON response.

#include <string>

#include <Poco/JSON/Object.h>

namespace relaysync::core {

class AdminConnectionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Sends `request` to the daemon at `socket_path` and returns its response, which has "ok" and
// either the result or "error". Throws AdminConnectionError when the daemon cannot be reached
// or answers with something that is not a response.
Poco::JSON::Object::Ptr askDaemon(const std::string& socket_path, const Poco::JSON::Object::Ptr& request);

}  // namespace relaysync::core
