#pragma once
// Runs the store reads and the checker's work of one CheckResource on a few threads, when the
// checker may be called from several at once (sdk/concurrent_checks.h): both cores hash a large
// tree. The threads exist only while finish() runs, which is outside the node's lock like all
// of inspectEntities (resource_check.h). With a checker that does not allow it, or one thread,
// every entity is looked at on the caller's thread as it is handed in, exactly as before.
//
// Work is spread in three rounds, each shared by the threads through one counter: every entity
// (stat, and a file's check; a folder that the checker hashes is listed), then every file
// beneath such folders, largest first, then each such folder's verdict. An entity's time budget
// (store_call_timeout) runs from when its turn comes, not from when it was handed in; the files
// of a folder share what is left of the folder's budget once the first of them is read.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "engine/entity_inspection.h"
#include "engine/store_router.h"
#include "relaysync/sdk/entity_checker.h"

namespace relaysync::core {

class ParallelInspection {
public:
    // The most threads a checker's wish gets, whatever it asks for.
    static constexpr std::size_t kMaxThreads = 16;

    // How many threads `checker` is looked at with: 1 unless it offers ConcurrentChecks; then its
    // maxConcurrentCalls(), or one per core (std::thread::hardware_concurrency) when it says 0,
    // at most kMaxThreads.
    static std::size_t threadsFor(sdk::EntityChecker& checker);

    explicit ParallelInspection(sdk::EntityChecker& checker) : ParallelInspection(checker, threadsFor(checker)) {}
    // `threads` at most (at least 1); more than 1 only for a checker with ConcurrentChecks.
    ParallelInspection(sdk::EntityChecker& checker, std::size_t threads);
    ParallelInspection(const ParallelInspection&) = delete;
    ParallelInspection& operator=(const ParallelInspection&) = delete;

    // Looks at the entity at `route` against `recorded` as inspectEntity does (as
    // inspectListedEntity with `listed`), within what is left of `call`'s deadline. `outcome` is
    // written at once with one thread, otherwise by finish(), and must stay where it is until then.
    void inspect(const StoreRouter::Route& route, const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                 const std::optional<sdk::EntityDetails>& listed, sdk::CheckOutcome& outcome);

    // Looks at what was handed in since the last call; every outcome is written when it returns.
    // Never throws for an entity: failures are its outcome.
    void finish();

    std::size_t threads() const { return threads_; }

private:
    struct Task {
        StoreRouter::Route route;
        sdk::EntityDetails recorded;
        std::optional<sdk::Clock::duration> budget;  // nothing: no deadline
        std::optional<sdk::EntityDetails> listed;
        sdk::CheckOutcome* outcome = nullptr;
        // A folder to hash, between the rounds.
        bool folder_pending = false;
        FolderUnderCheck folder;
        std::optional<sdk::Clock::duration> files_budget;
        std::once_flag files_started;
        sdk::CallContext files_call;
    };
    static sdk::CallContext startCall(const std::optional<sdk::Clock::duration>& budget);
    void begin(Task& task);
    void readFile(Task& task, std::size_t index);

    // With one thread: each store's describe() once per check, and one subject reused.
    const std::string& descriptionOf(const sdk::ResourceStore& store);

    sdk::EntityChecker& checker_;
    const std::size_t threads_;
    std::map<const sdk::ResourceStore*, std::string> descriptions_;
    sdk::CheckSubject subject_;
    std::deque<Task> tasks_;  // a deque: tasks do not move once handed in
};

// Calls job(0) ... job(count - 1), each once, on up to `threads` threads (the caller's among
// them), and returns when all are done. Fewer threads when the system will not start more.
void runOnThreads(std::size_t count, std::size_t threads, const std::function<void(std::size_t)>& job);

}  // namespace relaysync::core
