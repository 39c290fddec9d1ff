#include "index_cache.h"

#include "deadline.h"

namespace storage_archive {

namespace sdk = relaysync::sdk;

namespace {

// A writer rewriting the archive while it is indexed spoils the pass; a few tries are enough
// for one that is finishing, and more would only hold the callers up.
constexpr int kBuildAttempts = 3;

}  // namespace

sdk::Status IndexCache::current(const sdk::CallContext& call, std::shared_ptr<const ArchiveIndex>& index) {
    index.reset();
    if (call.expired()) return timedOut("before reading archive " + path_);
    ArchiveVersion now;
    if (auto s = versionOf(path_, now); !s.isOk()) return s;

    std::unique_lock lock(mutex_, std::defer_lock);
    if (call.deadline == sdk::Clock::time_point::max()) lock.lock();
    else if (!lock.try_lock_until(call.deadline)) return timedOut("waiting for the index of archive " + path_);

    if (!index_ || index_->version() != now) {
        if (auto s = rebuild(call); !s.isOk()) return s;
    }
    index = index_;
    return sdk::Status::ok();
}

sdk::Status IndexCache::rebuild(const sdk::CallContext& call) {
    // An index that no longer matches the file is never served, even when a new one cannot be
    // built: the members it lists may be gone.
    index_.reset();
    sdk::Status last;
    for (int attempt = 0; attempt < kBuildAttempts; ++attempt) {
        if (call.expired()) return timedOut("indexing archive " + path_);
        std::unique_ptr<ArchiveReader> reader;
        if (auto s = ArchiveReader::open(path_, reader); !s.isOk()) return s;
        std::shared_ptr<const ArchiveIndex> built;
        if (auto s = ArchiveIndex::build(*reader, call, built); !s.isOk()) {
            // A damaged archive may only be one being written right now: try again if so.
            if (reader->checkUnchanged().isOk()) return s;
            last = s;
            continue;
        }
        last = reader->checkUnchanged();
        if (last.isOk()) {
            index_ = std::move(built);
            return sdk::Status::ok();
        }
    }
    return sdk::Status::unreachable("archive " + path_ + " kept changing while it was read (" + last.message() + ")");
}

}  // namespace storage_archive
