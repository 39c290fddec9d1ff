#pragma once
// The admin commands of remote access (docs/admin.md, "Remote access"): browse, the fetch
// exchange (fetch-open, fetch-next, fetch-close) through which relaysync-admin pulls a file
// and writes it as the user, and access-log. A browse or fetch the network refused is a
// result, not an error: {"refused": {"code", "reason"}}, so that the CLI can give each code its
// own exit code.

#include <Poco/JSON/Object.h>

#include "runtime/node.h"

namespace relaysync::core {

Poco::JSON::Object::Ptr browseCommand(Node& node, const Poco::JSON::Object::Ptr& args);
Poco::JSON::Object::Ptr fetchOpenCommand(Node& node, const Poco::JSON::Object::Ptr& args);
Poco::JSON::Object::Ptr fetchNextCommand(Node& node, const Poco::JSON::Object::Ptr& args);
Poco::JSON::Object::Ptr fetchCloseCommand(Node& node, const Poco::JSON::Object::Ptr& args);
Poco::JSON::Object::Ptr accessLogCommand(Node& node, const Poco::JSON::Object::Ptr& args);

}  // namespace relaysync::core
