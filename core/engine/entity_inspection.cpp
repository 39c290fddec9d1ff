#include "engine/entity_inspection.h"

#include <exception>
#include <optional>

#include "engine/folder_contents.h"
#include "engine/parallel_inspection.h"

namespace relaysync::core {

namespace {

// The file being checked, read only when the checker asks, within the check's deadline.
class StoreContentReader final : public sdk::ContentReader {
public:
    StoreContentReader(sdk::ResourceStore& store, const std::string& path, const sdk::CallContext& call)
        : store_(store), path_(path), call_(call) {}

    sdk::Status read(std::uint64_t offset, std::size_t max_bytes, std::vector<char>& bytes) override {
        if (call_.expired()) return sdk::Status::unreachable("timed out reading '" + path_ + "'");
        return store_.read(call_, path_, offset, max_bytes, bytes);
    }

private:
    sdk::ResourceStore& store_;
    const std::string& path_;
    const sdk::CallContext& call_;
};

bool needsContent(const sdk::EntityChecker& checker) { return (checker.needs() & sdk::CheckerNeed::content) != 0; }

// The entity as the store shows it now; not_found and unreachable as the store said.
sdk::Status lookAt(const StoreRouter::Route& route, const sdk::CallContext& call, sdk::CheckSubject& subject) {
    subject.store = route.store->describe();
    subject.path = route.path;
    return route.store->stat(call, route.path, subject.current);
}

// What a checker threw, as the outcome of its check.
sdk::CheckOutcome thrown(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return {sdk::Verdict::unreachable, {}, std::string("checker failed: ") + e.what()};
    } catch (...) {
        return {sdk::Verdict::unreachable, {}, "checker failed with an unknown exception"};
    }
}

// Only the store can say an entity is gone; a checker that says so could not read it.
sdk::CheckOutcome neverGone(sdk::CheckOutcome outcome) {
    if (outcome.verdict == sdk::Verdict::gone) {
        outcome.verdict = sdk::Verdict::unreachable;
        outcome.reason = "the checker said gone while the store has it: " + outcome.reason;
    }
    return outcome;
}

// The checker's part, once the entity is known to be there as `subject` says.
sdk::CheckOutcome judge(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::EntityDetails& recorded,
                        const sdk::CallContext& call, const sdk::CheckSubject& subject) {
    try {
        std::optional<StoreContentReader> reader;
        if (needsContent(checker) && subject.current.kind == sdk::EntityKind::file)
            reader.emplace(*route.store, route.path, call);
        return neverGone(checker.check(call, recorded, subject, reader ? &*reader : nullptr));
    } catch (...) {
        return thrown(std::current_exception());
    }
}

// The checker's describe() of the entity `subject` names, with a reader when it is a file.
sdk::Status describeSubject(sdk::EntityChecker& checker, sdk::ResourceStore& store, const sdk::CallContext& call,
                         const sdk::CheckSubject& subject, sdk::EntityDetails& details) {
    try {
        std::optional<StoreContentReader> reader;
        if (needsContent(checker) && subject.current.kind == sdk::EntityKind::file)
            reader.emplace(store, subject.path, call);
        return checker.describe(call, subject, reader ? &*reader : nullptr, details);
    } catch (const std::exception& e) {
        return sdk::Status::internal(std::string("checker failed: ") + e.what());
    } catch (...) {
        return sdk::Status::internal("checker failed with an unknown exception");
    }
}

// Steps 1 and 2 of a folder to hash, its files on as many threads as the checker allows; ok, or
// why the folder could not be read.
sdk::Status readFolder(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::CallContext& call,
                       FolderUnderCheck& folder) {
    if (auto status = listFolderContents(*route.store, route.path, call, folder.beneath); !status.isOk()) return status;
    folder.read.assign(folder.beneath.size(), sdk::Status::ok());
    runOnThreads(folder.beneath.size(), ParallelInspection::threadsFor(checker),
                 [&](std::size_t i) { describeFileBeneath(checker, route, call, folder, i); });
    return sdk::Status::ok();
}

// The files that were read, without those removed meanwhile; the first failure otherwise.
sdk::Status keepReadItems(FolderUnderCheck& folder) {
    sdk::FolderContents kept;
    kept.reserve(folder.beneath.size());
    for (std::size_t i = 0; i < folder.beneath.size(); ++i) {
        const auto& read = folder.read[i];
        if (read.isNotFound()) continue;  // removed while the folder was read: not there any more
        if (!read.isOk())
            return sdk::Status(read.code(), "cannot read '" + folder.beneath[i].path + "' in folder '" +
                                                folder.subject.path + "': " + read.message());
        kept.push_back(std::move(folder.beneath[i]));
    }
    folder.beneath = std::move(kept);
    folder.read.clear();
    return sdk::Status::ok();
}

}  // namespace

sdk::FolderHashing* folderHashingOf(sdk::EntityChecker& checker) {
    try {
        return static_cast<sdk::FolderHashing*>(checker.extension(sdk::kFolderHashingExtension));
    } catch (...) {
        return nullptr;
    }
}

std::optional<sdk::CheckOutcome> beginInspection(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                                 const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                                                 FolderUnderCheck& folder) {
    const auto status = lookAt(route, call, folder.subject);
    if (status.isNotFound()) return sdk::CheckOutcome{sdk::Verdict::gone, {}, status.message()};
    // Could not look: that is not the same as gone.
    if (!status.isOk()) return sdk::CheckOutcome{sdk::Verdict::unreachable, {}, status.toString()};
    if (folder.subject.current.kind != sdk::EntityKind::folder || !folderHashingOf(checker))
        return judge(checker, route, recorded, call, folder.subject);
    const auto listed = listFolderContents(*route.store, route.path, call, folder.beneath);
    if (listed.isNotFound()) return sdk::CheckOutcome{sdk::Verdict::gone, {}, listed.message()};
    if (!listed.isOk()) return sdk::CheckOutcome{sdk::Verdict::unreachable, {}, listed.toString()};
    folder.read.assign(folder.beneath.size(), sdk::Status::ok());
    return std::nullopt;
}

void describeFileBeneath(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::CallContext& call,
                         FolderUnderCheck& folder, std::size_t index) {
    auto& entry = folder.beneath[index];
    if (entry.details.kind != sdk::EntityKind::file) return;
    sdk::CheckSubject subject{folder.subject.store, pathBeneath(route.path, entry.path), entry.details};
    folder.read[index] = describeSubject(checker, *route.store, call, subject, entry.details);
}

sdk::CheckOutcome judgeFolder(sdk::EntityChecker& checker, const sdk::EntityDetails& recorded,
                              const sdk::CallContext& call, FolderUnderCheck& folder) {
    if (auto status = keepReadItems(folder); !status.isOk()) return {sdk::Verdict::unreachable, {}, status.toString()};
    try {
        return neverGone(folderHashingOf(checker)->checkFolder(call, recorded, folder.subject, folder.beneath));
    } catch (...) {
        return thrown(std::current_exception());
    }
}

sdk::CheckOutcome inspectEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                const sdk::EntityDetails& recorded, const sdk::CallContext& call) {
    FolderUnderCheck folder;
    if (auto settled = beginInspection(checker, route, recorded, call, folder)) return std::move(*settled);
    for (std::size_t i = 0; i < folder.beneath.size(); ++i) describeFileBeneath(checker, route, call, folder, i);
    return judgeFolder(checker, recorded, call, folder);
}

sdk::CheckOutcome inspectListedEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                      const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                                      const sdk::EntityDetails& listed) {
    sdk::CheckSubject subject;
    return inspectListedEntity(checker, route, recorded, call, listed, route.store->describe(), subject);
}

sdk::CheckOutcome inspectListedEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                      const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                                      const sdk::EntityDetails& listed, const std::string& store,
                                      sdk::CheckSubject& subject) {
    subject.store = store;
    subject.path = route.path;
    subject.current = listed;
    return judge(checker, route, recorded, call, subject);
}

sdk::Status describeEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::CallContext& call,
                           sdk::EntityDetails& details) {
    FolderUnderCheck folder;
    if (auto status = lookAt(route, call, folder.subject); !status.isOk()) return status;
    auto* hashing = folder.subject.current.kind == sdk::EntityKind::folder ? folderHashingOf(checker) : nullptr;
    if (!hashing) return describeSubject(checker, *route.store, call, folder.subject, details);
    if (auto status = readFolder(checker, route, call, folder); !status.isOk()) return status;
    if (auto status = keepReadItems(folder); !status.isOk()) return status;
    try {
        return hashing->describeFolder(call, folder.subject, folder.beneath, details);
    } catch (const std::exception& e) {
        return sdk::Status::internal(std::string("checker failed: ") + e.what());
    } catch (...) {
        return sdk::Status::internal("checker failed with an unknown exception");
    }
}

std::string checkerStoreMismatch(const sdk::EntityChecker& checker, const sdk::ResourceStore& store) {
    if (needsContent(checker) && (store.capabilities() & sdk::StoreCapability::content) == 0)
        return "the checker needs to read content, and store " + store.describe() + " cannot give it";
    return {};
}

}  // namespace relaysync::core
