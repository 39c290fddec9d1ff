#pragma once
// A client terminal's engine (patent Fig. 11-16, terminal side): its copy of the group and
// share information, the resources it owns, CheckResource, and synchronize instructions.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine_base.h"
#include "engine/resource_check.h"
#include "engine/store_router.h"
#include "engine/sync_messages.h"

namespace relaysync::core {

class TerminalEngine : public EngineBase {
public:
    // `timestamp` gives "YYYYMMDDhhmmss" (UTC) for share ids; tests pin it.
    TerminalEngine(Database& database, std::string account, std::string relay, const StoreRouter& stores,
                   sdk::EntityChecker& checker, CheckPolicy policy,
                   std::function<std::string()> timestamp = {});

    const std::string& relay() const { return relay_; }

    // User commands. Each is one transaction; CommandError says why one cannot be done.

    // CreateSharedResource: a share of `group_id` with `members` (this terminal is added).
    std::string createShare(const std::string& group_id, const std::string& name,
                            std::vector<std::string> members);
    // What adding does with a name this terminal already shares from another location.
    enum class Existing { refuse, replace };
    // addResource: shares the entity at `location` (e.g. "c:/folderA") under `name`. A name
    // this terminal already shares from elsewhere is refused unless `existing` is replace; the
    // same name and location again changes nothing but the entry's details.
    void addResource(const std::string& share_id, const std::string& name, const std::string& location,
                     Existing existing = Existing::refuse);
    // Many at once, all or none: one transaction, and their records travel in as few messages
    // as the payload limit allows.
    void addResources(const std::string& share_id, const std::vector<std::pair<std::string, std::string>>& named_locations,
                      Existing existing = Existing::refuse);
    // The items of the folder at `folder_location`, each as (its name, its location), sorted by
    // name: to add a folder's children as separate resources. Reads the stores only.
    std::vector<std::pair<std::string, std::string>> childrenOf(const std::string& folder_location) const;

    // addResources in steps (terminal_adds.cpp), so that a node reads the disk without its lock,
    // as its checks do: prepareAdd under the lock (refuses what cannot be added), describeAdded
    // without it (reads the stores only: a hash checker hashes a new folder meanwhile), then
    // finishAdd under it, which checks the request again against what changed meanwhile and
    // stores and sends the records in one transaction. Each throws CommandError.
    struct AddRequest {
        std::string share_id;
        std::vector<std::pair<std::string, std::string>> named_locations;
        Existing existing = Existing::refuse;
    };
    AddRequest prepareAdd(const std::string& share_id,
                          const std::vector<std::pair<std::string, std::string>>& named_locations,
                          Existing existing = Existing::refuse);
    // Each entity's details, in the request's order.
    std::vector<sdk::EntityDetails> describeAdded(const AddRequest& request) const;
    void finishAdd(const AddRequest& request, const std::vector<sdk::EntityDetails>& details);
    // The creator's later definitions of its share (terminal_share_changes.cpp): each is the
    // next version, sent to the relay, which passes it to current and former members. Each
    // returns the definition as stored; CommandError for anyone but the creator.
    Share addShareMembers(const std::string& share_id, const std::vector<std::string>& members);
    Share removeShareMembers(const std::string& share_id, const std::vector<std::string>& members);
    // Marks the share removed (a tombstone): every node that holds it drops its entries.
    Share deleteShare(const std::string& share_id);
    // The owner takes a resource out of a share: its record's next version, a tombstone, sent as
    // delete-resource-info (as a gone entity in remove mode). Returns the tombstone.
    ResourceEntry removeResource(const std::string& share_id, const std::string& name);
    // Accepts the root store `prefix` has now as its own (StoreRouter::acceptRoot), after an
    // operator found that a remount or replacement was intended. Returns the new identity.
    std::string acceptStoreRoot(const std::string& prefix);

    // CheckResource on demand over what this terminal owns in a share; updates are sent.
    SyncReport checkResources(const std::string& share_id, const std::vector<std::string>& names = {});
    // A synchronize instruction; `names` empty means the whole share. Returns the sync id; the
    // report is in syncs() once every node has answered.
    std::string synchronize(const std::string& share_id, const std::vector<std::string>& names = {});

    // The two above in steps (terminal_checks.cpp), so that a node reads the disk without its
    // lock: prepareCheck and the finish calls under the lock, inspect without it. The finish
    // calls store only records that did not change since the snapshot (a record changed
    // meanwhile is checked again next time).
    CheckSnapshot prepareCheck(const std::string& command, const std::string& share_id,
                               const std::vector<std::string>& names);
    CheckInspection inspect(const CheckSnapshot& snapshot) const;  // reads the stores only
    // A finished snapshot's buffers, for the next one.
    void recycle(CheckSnapshot&& snapshot) { spare_records_ = std::move(snapshot.records); }
    SyncReport finishCheck(const CheckSnapshot& snapshot, const CheckInspection& inspection);
    std::string finishSynchronize(const CheckSnapshot& snapshot, const CheckInspection& inspection);

    // A synchronize instruction from the relay is checked at once (under the caller's lock), or,
    // with this on, kept in pending_checks when it arrives and done in steps by the node.
    void setChecksOutsideLock(bool on) { checks_outside_lock_ = on; }
    struct PendingCheck {
        std::int64_t seq = 0;
        SyncRequest request;
        CheckSnapshot snapshot;
    };
    // The oldest instruction waiting, with its snapshot; nullopt when none waits.
    std::optional<PendingCheck> nextPendingCheck();
    // Stores what changed, answers the relay and forgets the instruction, in one transaction.
    void finishPendingCheck(const PendingCheck& pending, const CheckInspection& inspection);

protected:
    HandleResult handle(const Message& message) override;
    OwnerDigests onResultDigests(const Message& result, const SyncReport& report,
                                 const std::optional<OwnerDigests>& digests) override;

private:
    CheckSnapshot snapshot(const std::string& share_id, const std::vector<std::string>& names) {
        return snapshotResourceCheck(account_, share_id, names, shares_, std::exchange(spare_records_, {}));
    }
    HandleResult onGroupInfo(const Message& message);
    HandleResult onTerminalGroupInfo(const Message& message, bool removed);
    HandleResult onPolicyData(const Message& message);
    HandleResult onResourceInfo(const Message& message, bool deletion);
    HandleResult onSynchronizeInstruction(const Message& message);
    void storeFromRelay(const ResourceEntry& entry);
    void repairOwnRecords(const std::string& share_id, const OwnerDigests& relays_copy);

    bool isMemberOf(const std::string& share_id);
    // Throws CommandError when `request` cannot be added as things stand now.
    void refuseUnaddable(const AddRequest& request);
    // Keeps the store roots accepted since last time (StoreRootRecords).
    void storeAcceptedRoots();
    // Stores what the check found of records still as they were looked at, and sends it.
    SyncReport applyCheck(const CheckSnapshot& snapshot, const CheckInspection& inspection);
    // The synchronize-result for `request` (with a repair of this terminal's records when asked).
    void answerInstruction(const SyncRequest& request, SyncReport report);
    void publish(MessageType type, const std::string& share_id, const std::vector<ResourceEntry>& entries);
    std::string newShareId();
    // The live share `share_id`, when this terminal created it (terminal_share_changes.cpp).
    Share ownShare(const std::string& command, const std::string& share_id);
    // Stores the creator's next definition and sends it to the relay.
    Share redefine(Share share);

    const std::string relay_;
    const StoreRouter& stores_;
    sdk::EntityChecker& checker_;
    const CheckPolicy policy_;
    std::function<std::string()> timestamp_;
    bool checks_outside_lock_ = false;
    CheckRecords spare_records_;  // the last finished check's buffers (recycle)
};

}  // namespace relaysync::core
