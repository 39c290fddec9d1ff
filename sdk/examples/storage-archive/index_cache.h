#pragma once
// The index of the archive as it is now. Every call starts here: one stat() of the archive
// file tells whether the index built before still describes it; when the file changed (in
// place or replaced), the index is built again, once, by whichever call comes first.

#include <memory>
#include <mutex>
#include <string>

#include "archive_index.h"
#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/status.h"

namespace storage_archive {

class IndexCache {
public:
    explicit IndexCache(std::string archive_path) : path_(std::move(archive_path)) {}

    // ok with the current index (shared: it stays valid for the caller however the archive
    // changes meanwhile), or unreachable: no archive, a damaged one, one that kept changing
    // while it was read, or the deadline passed (also while waiting for another call's build).
    relaysync::sdk::Status current(const relaysync::sdk::CallContext& call,
                                   std::shared_ptr<const ArchiveIndex>& index);

private:
    relaysync::sdk::Status rebuild(const relaysync::sdk::CallContext& call);

    const std::string path_;
    // Held while checking and building, so that concurrent calls build one index, not one each.
    // Timed: a call waiting for another's long build gives up at its own deadline.
    std::timed_mutex mutex_;
    std::shared_ptr<const ArchiveIndex> index_;  // guarded by mutex_
};

}  // namespace storage_archive
