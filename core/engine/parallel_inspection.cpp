#include "engine/parallel_inspection.h"

#include <algorithm>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "relaysync/sdk/concurrent_checks.h"

namespace relaysync::core {

void runOnThreads(std::size_t count, std::size_t threads, const std::function<void(std::size_t)>& job) {
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < count;) job(i);
    };
    std::vector<std::thread> helpers;
    const std::size_t wanted = std::min(threads, count);
    try {
        for (std::size_t i = 1; i < wanted; ++i) helpers.emplace_back(work);
    } catch (const std::system_error&) {
        // No more threads to be had: those started and this one do the rest.
    }
    work();
    for (auto& helper : helpers) helper.join();
}

std::size_t ParallelInspection::threadsFor(sdk::EntityChecker& checker) {
    const sdk::ConcurrentChecks* concurrent = nullptr;
    try {
        concurrent = static_cast<sdk::ConcurrentChecks*>(checker.extension(sdk::kConcurrentChecksExtension));
    } catch (...) {
        return 1;
    }
    if (!concurrent) return 1;
    std::size_t wanted = concurrent->maxConcurrentCalls();
    if (wanted == 0) wanted = std::max(1u, std::thread::hardware_concurrency());
    return std::min(wanted, kMaxThreads);
}

ParallelInspection::ParallelInspection(sdk::EntityChecker& checker, std::size_t threads)
    : checker_(checker), threads_(std::clamp<std::size_t>(threads, 1, kMaxThreads)) {}

sdk::CallContext ParallelInspection::startCall(const std::optional<sdk::Clock::duration>& budget) {
    if (!budget) return sdk::CallContext::unbounded();
    return sdk::CallContext{sdk::Clock::now() + *budget};
}

void ParallelInspection::inspect(const StoreRouter::Route& route, const sdk::EntityDetails& recorded,
                                 const sdk::CallContext& call, const std::optional<sdk::EntityDetails>& listed,
                                 sdk::CheckOutcome& outcome) {
    if (threads_ == 1) {
        outcome = listed ? inspectListedEntity(checker_, route, recorded, call, *listed, descriptionOf(*route.store),
                                               subject_)
                         : inspectEntity(checker_, route, recorded, call);
        return;
    }
    auto& task = tasks_.emplace_back();
    task.route = route;
    task.recorded = recorded;
    if (call.deadline != sdk::Clock::time_point::max())
        task.budget = std::max(sdk::Clock::duration::zero(), call.deadline - sdk::Clock::now());
    task.listed = listed;
    task.outcome = &outcome;
}

const std::string& ParallelInspection::descriptionOf(const sdk::ResourceStore& store) {
    auto found = descriptions_.find(&store);
    if (found == descriptions_.end()) found = descriptions_.emplace(&store, store.describe()).first;
    return found->second;
}

void ParallelInspection::begin(Task& task) {
    const auto call = startCall(task.budget);
    if (task.listed) {
        *task.outcome = inspectListedEntity(checker_, task.route, task.recorded, call, *task.listed);
        return;
    }
    if (auto settled = beginInspection(checker_, task.route, task.recorded, call, task.folder)) {
        *task.outcome = std::move(*settled);
        return;
    }
    task.folder_pending = true;
    if (task.budget) task.files_budget = std::max(sdk::Clock::duration::zero(), call.deadline - sdk::Clock::now());
    // A folder without files gets its verdict within the same budget.
    task.files_call = call;
}

void ParallelInspection::readFile(Task& task, std::size_t index) {
    std::call_once(task.files_started, [&] { task.files_call = startCall(task.files_budget); });
    describeFileBeneath(checker_, task.route, task.files_call, task.folder, index);
}

void ParallelInspection::finish() {
    // Round 1: every entity.
    runOnThreads(tasks_.size(), threads_, [&](std::size_t i) { begin(tasks_[i]); });

    // Round 2: the files beneath folders to hash, largest first so that no thread is left with
    // one big file at the end.
    std::vector<std::pair<Task*, std::size_t>> files;
    std::vector<Task*> folders;
    for (auto& task : tasks_) {
        if (!task.folder_pending) continue;
        folders.push_back(&task);
        for (std::size_t i = 0; i < task.folder.beneath.size(); ++i)
            if (task.folder.beneath[i].details.kind == sdk::EntityKind::file) files.emplace_back(&task, i);
    }
    std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
        return a.first->folder.beneath[a.second].details.size > b.first->folder.beneath[b.second].details.size;
    });
    runOnThreads(files.size(), threads_, [&](std::size_t i) { readFile(*files[i].first, files[i].second); });

    // Round 3: each folder's verdict.
    runOnThreads(folders.size(), threads_, [&](std::size_t i) {
        Task& task = *folders[i];
        *task.outcome = judgeFolder(checker_, task.recorded, task.files_call, task.folder);
    });
    tasks_.clear();
}

}  // namespace relaysync::core
