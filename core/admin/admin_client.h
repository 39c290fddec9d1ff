#pragma once
// The admin CLI's side of the local admin channel: one JSON request, one JSON response.

#include <stdexcept>
#include <string>

#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

namespace relaysync::core {

class AdminConnectionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The daemon did not accept the connection, take the request or answer within the timeout.
class AdminTimeoutError : public AdminConnectionError {
public:
    using AdminConnectionError::AdminConnectionError;
};

// How long a daemon may take to answer one request before it counts as not answering.
inline const Poco::Timespan kDefaultAdminTimeout(60, 0);

// Sends `request` to the daemon at `socket_path` and returns its response, which has "ok" and
// either the result or "error". `timeout` bounds the whole exchange: connecting (a daemon
// whose backlog is full), sending and the answer. Throws AdminTimeoutError when it runs out (a
// hung or stopped daemon), AdminConnectionError when the daemon cannot be reached or answers
// with something that is not a response.
Poco::JSON::Object::Ptr askDaemon(const std::string& socket_path, const Poco::JSON::Object::Ptr& request,
                                  Poco::Timespan timeout = kDefaultAdminTimeout);

}  // namespace relaysync::core
