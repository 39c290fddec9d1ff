#pragma once
// relaysync-admin's side of remote access: browse, fetch (it writes the file itself, as the
// user who runs it, from chunks it takes from its terminal daemon) and access-log.

#include <functional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

namespace relaysync::core {

// Exit codes of browse and fetch when the network refused (docs/admin.md, "Exit codes").
constexpr int kExitOwnerOffline = 7, kExitEntryGone = 8, kExitNotMember = 9, kExitPolicyRefused = 10,
              kExitBadPath = 11, kExitChangedDuringFetch = 12, kExitNotVerified = 13;

struct RemoteCli {
    // Sends one admin request and returns its result; exits with the daemon's error otherwise.
    std::function<Poco::JSON::Object::Ptr(const std::string& command, Poco::JSON::Object::Ptr args)> ask;
    std::function<void(const std::string& message)> usage_error;  // exits
    std::string program;
    bool json = false;
};

// browse SHARE NAME [SUBPATH] [--owner OWNER]
int runBrowse(const RemoteCli& cli, const std::vector<std::string>& args);
// fetch SHARE NAME DEST [--path SUBPATH] [--owner OWNER] [--restart] [--limit-rate BYTES]
int runFetch(const RemoteCli& cli, const std::vector<std::string>& args);

}  // namespace relaysync::core
