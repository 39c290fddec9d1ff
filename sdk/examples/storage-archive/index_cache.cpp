#include "index_cache.h"

#include <algorithm>
#include <chrono>

#include "deadline.h"

namespace storage_archive {

namespace sdk = relaysync::sdk;

namespace {

// A writer rewriting the archive while it is indexed spoils the pass; a few tries are enough
// for one that is finishing, and more would only hold the callers up.
constexpr int kBuildAttempts = 3;

// Takes `mutex` unless the call's deadline passes first. In short slices on the system clock
// rather than one wait on the steady clock: libstdc++ waits on the steady clock with
// pthread_mutex_clocklock, which ThreadSanitizer (GCC 12) does not see, so it would report every
// later unlock; short slices keep a jump of the wall clock from stretching the wait.
bool lockBefore(std::timed_mutex& mutex, const sdk::CallContext& call) {
    using namespace std::chrono_literals;
    for (;;) {
        const auto left = call.deadline - sdk::Clock::now();
        if (left <= sdk::Clock::duration::zero()) return mutex.try_lock();
        const auto slice = std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::min<sdk::Clock::duration>(left, 100ms));
        if (mutex.try_lock_until(std::chrono::system_clock::now() + slice)) return true;
    }
}

}  // namespace

sdk::Status IndexCache::current(const sdk::CallContext& call, std::shared_ptr<const ArchiveIndex>& index) {
    index.reset();
    if (call.expired()) return timedOut("before reading archive " + path_);
    ArchiveVersion now;
    if (auto s = versionOf(path_, now); !s.isOk()) return s;

    if (!lockBefore(mutex_, call)) return timedOut("waiting for the index of archive " + path_);
    const std::lock_guard lock(mutex_, std::adopt_lock);

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
