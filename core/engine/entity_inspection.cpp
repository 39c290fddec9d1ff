#include "engine/entity_inspection.h"

#include <exception>
#include <optional>

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

}  // namespace

namespace {

// The checker's part, once the entity is known to be there as `subject` says.
sdk::CheckOutcome judge(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::EntityDetails& recorded,
                        const sdk::CallContext& call, const sdk::CheckSubject& subject) {
    try {
        std::optional<StoreContentReader> reader;
        if (needsContent(checker) && subject.current.kind == sdk::EntityKind::file)
            reader.emplace(*route.store, route.path, call);
        auto outcome = checker.check(call, recorded, subject, reader ? &*reader : nullptr);
        // Only the store can say an entity is gone; a checker that says so could not read it.
        if (outcome.verdict == sdk::Verdict::gone) {
            outcome.verdict = sdk::Verdict::unreachable;
            outcome.reason = "the checker said gone while the store has it: " + outcome.reason;
        }
        return outcome;
    } catch (const std::exception& e) {
        return {sdk::Verdict::unreachable, {}, std::string("checker failed: ") + e.what()};
    } catch (...) {
        return {sdk::Verdict::unreachable, {}, "checker failed with an unknown exception"};
    }
}

}  // namespace

sdk::CheckOutcome inspectEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                const sdk::EntityDetails& recorded, const sdk::CallContext& call) {
    sdk::CheckSubject subject;
    const auto status = lookAt(route, call, subject);
    if (status.isNotFound()) return {sdk::Verdict::gone, {}, status.message()};
    // Could not look: that is not the same as gone.
    if (!status.isOk()) return {sdk::Verdict::unreachable, {}, status.toString()};
    return judge(checker, route, recorded, call, subject);
}

sdk::CheckOutcome inspectListedEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                      const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                                      const sdk::EntityDetails& listed) {
    sdk::CheckSubject subject;
    subject.store = route.store->describe();
    subject.path = route.path;
    subject.current = listed;
    return judge(checker, route, recorded, call, subject);
}

sdk::Status describeEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::CallContext& call,
                           sdk::EntityDetails& details) {
    sdk::CheckSubject subject;
    if (auto status = lookAt(route, call, subject); !status.isOk()) return status;
    try {
        std::optional<StoreContentReader> reader;
        if (needsContent(checker) && subject.current.kind == sdk::EntityKind::file)
            reader.emplace(*route.store, route.path, call);
        return checker.describe(call, subject, reader ? &*reader : nullptr, details);
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
