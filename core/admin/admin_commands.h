#pragma once
// What the admin channel can ask of a node: the operator's and the user's commands of the
// patent (createGroup, addGroup, addTerminal, deleteTerminal, CreateSharedResource, addResource,
// CheckResource, synchronize), taking back what was done (remove-relay, leave-group, share
// members added or removed, delete-share, remove-resource), status, and the operator's look at
// the outbox and dead letters (list, resend, purge). docs/admin.md lists them with their
// arguments.
//
// Request:  {"command": "sync", "args": {"share": "...", "names": ["folderB"]}}
// Response: the command's result object (the server adds "ok").

#include <Poco/JSON/Object.h>

#include "runtime/node.h"

namespace relaysync::core {

// Runs one request against `node`. Throws CommandError with a one-line reason for a bad
// request (unknown command, missing or mistyped argument) or a command that cannot be done.
Poco::JSON::Object::Ptr runAdminCommand(Node& node, const Poco::JSON::Object::Ptr& request);

}  // namespace relaysync::core
