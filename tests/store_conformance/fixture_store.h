#pragma once
// A store that holds the conformance fixture in memory and keeps the contract, unless it is
// given one defect: each defect breaks one rule, so that a test can show the suite catches it.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "relaysync/sdk/resource_store.h"

namespace relaysync::tests {

enum class Defect {
    none,
    throws,                       // stat throws instead of returning a Status
    unstable_root_identity,       // probe's identity changes on every call
    reads_without_content,        // reads, though it does not declare the content capability
    list_details_disagree,        // listed sizes differ from stat's
    shared_identity,              // every file has the same identity
    wrong_file_size,              // stat reports large.bin one byte short
    lists_dot_entries,            // listings include "." and ".."
    lists_a_file,                 // list of a file answers ok, empty
    chunk_off_by_one,             // a read from a non-zero offset starts one byte late
    error_past_end,               // a read past the end is io_error instead of empty
    appends_outputs,              // list and read append to what the caller's buffer held
    missing_as_unreachable,       // a missing entity is unreachable instead of not_found
    lets_dotdot_through,          // ".." is resolved lexically instead of refused
    collapses_empty_components,   // "a//b" and "./a" are taken as "a/b" and "a"
    follows_links_out,            // a link out of the root is followed (an empty folder)
    slow_loop,                    // a loop of links takes 400 ms to fail
    lists_loops,                  // listings show the looping links as files
    ignores_deadline,             // an expired deadline is ignored
    one_call_at_a_time,           // a call while another runs answers io_error ("busy")
    not_found_when_root_gone,     // with the root gone, stat/list/read say not_found
    same_identity_when_replaced,  // a replaced root keeps the original's identity
    hangs_on_stat,                // stat of a file waits until release()
};

class FixtureStore final : public sdk::ResourceStore {
public:
    static constexpr std::uint32_t kAllCapabilities =
        sdk::StoreCapability::list_details | sdk::StoreCapability::root_identity |
        sdk::StoreCapability::entity_identity | sdk::StoreCapability::content;

    explicit FixtureStore(Defect defect = Defect::none, std::uint32_t capabilities = kAllCapabilities)
        : defect_(defect), capabilities_(capabilities) {}

    // What the root holds: the fixture, nothing (gone), or another folder.
    enum class Root { fixture, gone, other };
    void setRoot(Root root) { root_ = root; }

    // A file in the root besides the fixture, as a store's marker file would be. Before any call.
    void addRootFile(std::string name) { extra_root_file_ = std::move(name); }

    // Ends hangs_on_stat's wait.
    void release();

    std::uint32_t capabilities() const override { return capabilities_; }
    sdk::Status probe(const sdk::CallContext& call, sdk::RootProbe& probe) override;
    sdk::Status stat(const sdk::CallContext& call, const std::string& path, sdk::EntityDetails& details) override;
    sdk::Status list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) override;
    sdk::Status read(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                     std::size_t max_bytes, std::vector<char>& bytes) override;
    std::string describe() const override { return "fixture-in-memory"; }

private:
    struct Entity;
    class CallScope;

    // The checks every method makes first: deadline, spelling, root. ok when the call may go on.
    sdk::Status admit(const sdk::CallContext& call, const std::string& path, std::string& normal) const;
    // What `path` (spelled correctly) names, following links.
    sdk::Status resolve(const std::string& path, Entity& entity) const;
    sdk::EntityDetails detailsOf(const Entity& entity) const;
    sdk::Status children(const std::string& folder, sdk::FolderListing& items) const;

    const Defect defect_;
    const std::uint32_t capabilities_;
    std::atomic<Root> root_{Root::fixture};
    std::atomic<int> in_flight_{0};
    mutable std::atomic<int> probes_{0};
    std::mutex mutex_;
    std::condition_variable released_;
    bool release_ = false;
    std::string extra_root_file_;
};

}  // namespace relaysync::tests
