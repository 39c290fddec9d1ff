#pragma once
// Optional interface of a resource store (SDK 2.2): whether a path beneath a folder, spelled
// inside it, also leads to something inside it once the store's links are followed. Asked for
// through ResourceStore::extension(kContainedPathsExtension).
//
// Core asks it before a remote browse or fetch reads a path inside a shared folder, so that a
// link in the folder that leads elsewhere in the store (another user's files, say) is refused
// although it stays inside the store's root. A store without links (or whose links its server
// resolves out of sight) need not offer it; core then relies on the spelling of the path and
// the store's own confinement to its root.

#include <string>

#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/status.h"
#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

inline constexpr const char* kContainedPathsExtension = "relaysync.store.contained-paths/1";

class RELAYSYNC_SDK_VISIBLE ContainedPaths {
public:
    virtual ~ContainedPaths() = default;

    // `folder` and `path` are store paths as stat() takes them, `path` spelled beneath `folder`
    // ("docs" and "docs/2024/q1.xls"). ok when what `path` leads to, links followed, is `folder`
    // or inside it; permission_denied naming `path` when it leads out of `folder`; otherwise
    // what stat() of either would answer (not_found, unreachable, ...). Never throws. Thread-safe
    // as the store's other calls.
    virtual Status within(const CallContext& call, const std::string& folder, const std::string& path) = 0;
};

}  // namespace relaysync::sdk
