#include "engine/terminal_engine.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "engine/dependency.h"
#include "engine/entity_inspection.h"
#include "persistence/store_root_records.h"
#include "engine/group_messages.h"
#include "engine/relay_records.h"
#include "engine/share_messages.h"
#include "engine/sync_messages.h"
#include "model/text_cell.h"
#include "protocol/bodies.h"
#include "protocol/entry_chunks.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

namespace {
std::string utcTimestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm parts{};
    gmtime_r(&now, &parts);
    char text[16];
    std::strftime(text, sizeof text, "%Y%m%d%H%M%S", &parts);
    return text;
}
}  // namespace

TerminalEngine::TerminalEngine(Database& database, std::string account, std::string relay, const StoreRouter& stores,
                               sdk::EntityChecker& checker, CheckPolicy policy, std::function<std::string()> timestamp)
    : EngineBase(database, std::move(account)),
      relay_(std::move(relay)),
      stores_(stores),
      checker_(checker),
      policy_(policy),
      timestamp_(timestamp ? std::move(timestamp) : utcTimestamp) {
    stores_.loadAcceptedRoots(StoreRootRecords(database).all());
}

void TerminalEngine::storeAcceptedRoots() {
    StoreRootRecords records(database_);
    for (const auto& [prefix, identity] : stores_.takeNewlyAcceptedRoots()) records.put(prefix, identity, nowMs());
}

std::string TerminalEngine::acceptStoreRoot(const std::string& prefix) {
    return runCommand([&] {
        if (auto status = stores_.acceptRoot(prefix, sdk::CallContext::within(policy_.store_call_timeout));
            !status.isOk())
            throw CommandError("accept-store-root: " + status.toString());
        storeAcceptedRoots();
        const auto accepted = StoreRootRecords(database_).all();
        const auto found = accepted.find(prefix);
        return found == accepted.end() ? std::string{} : found->second;
    });
}

// A deleted share's id stays taken (its tombstone is kept): a new share never reuses it.
std::string TerminalEngine::newShareId() {
    auto id = timestamp_() + account_;
    for (int n = 2; shares_.record(id); ++n) id = timestamp_() + "-" + std::to_string(n) + account_;
    return id;
}

std::string TerminalEngine::createShare(const std::string& group_id, const std::string& name,
                                        std::vector<std::string> members) {
    return runCommand([&] {
        const auto group = groups_.find(group_id);
        if (!group || !group->findTerminal(account_))
            throw CommandError("createShare: this terminal is not a shareable terminal of group " + group_id);
        if (const auto problem = nameProblem(name, kMaxShareNameBytes); !problem.empty())
            throw CommandError("createShare: the share's name " + problem);
        if (std::find(members.begin(), members.end(), account_) == members.end()) members.push_back(account_);
        for (const auto& member : members)
            if (!group->findTerminal(member))
                throw CommandError("createShare: " + member + " is not a shareable terminal of group " + group_id);
        std::sort(members.begin(), members.end());
        members.erase(std::unique(members.begin(), members.end()), members.end());

        Share share{newShareId(), group_id, name, account_, members, 1};
        shares_.putIfNewer(share);
        send(MessageType::create_shared_resource, relay_, ShareDefinition{share}.toBody());
        return share.id;
    });
}

void TerminalEngine::addResource(const std::string& share_id, const std::string& name, const std::string& location,
                                 Existing existing) {
    addResources(share_id, {{name, location}}, existing);
}

std::vector<std::pair<std::string, std::string>> TerminalEngine::childrenOf(const std::string& folder_location) const {
    StoreRouter::Route route;
    if (auto status = stores_.route(folder_location, route); !status.isOk())
        throw CommandError("addChildren: " + status.toString());
    sdk::FolderListing items;
    if (auto status = route.store->list(sdk::CallContext::within(policy_.store_call_timeout), route.path, items); !status.isOk())
        throw CommandError("addChildren: '" + folder_location + "': " + status.toString());
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::vector<std::pair<std::string, std::string>> children;
    const std::string prefix = folder_location.back() == '/' ? folder_location : folder_location + "/";
    for (const auto& item : items) children.emplace_back(item.name, prefix + item.name);
    return children;
}

void TerminalEngine::publish(MessageType type, const std::string& share_id, const std::vector<ResourceEntry>& entries) {
    sendEntries(type, {relay_}, share_id, entries);
}

HandleResult TerminalEngine::handle(const Message& message) {
    if (message.from != relay_ || message.from_role == sdk::PeerRole::terminal)
        return HandleResult::refused("a terminal takes messages from its own relay only");
    switch (message.type) {
    case MessageType::group_info: return onGroupInfo(message);
    case MessageType::add_group_info: return onTerminalGroupInfo(message, false);
    case MessageType::delete_group_info: return onTerminalGroupInfo(message, true);
    case MessageType::policy_data: return onPolicyData(message);
    case MessageType::update_resource_info: return onResourceInfo(message, false);
    case MessageType::delete_resource_info: return onResourceInfo(message, true);
    case MessageType::synchronize_instruction: return onSynchronizeInstruction(message);
    case MessageType::synchronize_result:
    case MessageType::synchronize_progress:
    case MessageType::answer: return handleReply(message);
    default: return HandleResult::refused(std::string("a terminal does not handle ") + wireName(message.type));
    }
}

HandleResult TerminalEngine::onGroupInfo(const Message& message) {
    const auto group = GroupUpdate::fromBody(message.body).group;
    groups_.addGroup(group.id);
    // Relay records merge by version; a removed relay's terminals leave with it (putRelayRecord).
    for (const auto* relays : {&group.relays, &group.removed_relays})
        for (const auto& relay : *relays) putRelayRecord(groups_, shares_, group.id, relay);
    for (const auto& terminal : group.terminals) groups_.putTerminalIfNewer(group.id, terminal);
    answer(message, true);
    return HandleResult::applied();
}

HandleResult TerminalEngine::onTerminalGroupInfo(const Message& message, bool removed) {
    const auto [group_id, terminal] = TerminalChange::fromBody(message.body);
    if (terminal.removed != removed) return HandleResult::refused("terminal's removed flag does not match the message type");
    if (terminal.account == account_ && removed) {
        // This terminal left the group: it keeps nothing of it. Unless it was admitted again
        // since, and this removal is late.
        const auto own = groups_.terminalRecord(group_id, account_);
        if (!own || own->version < terminal.version) {
            for (const auto& share_id : shares_.shareIdsOfGroup(group_id)) shares_.remove(share_id);
            groups_.removeGroup(group_id);
        }
    } else {
        if (!groups_.exists(group_id)) return HandleResult::deferred("group " + group_id + " is not known here yet",
                                                                         dependency::group(group_id));
        groups_.putTerminalIfNewer(group_id, terminal);
    }
    answer(message, true);
    return HandleResult::applied();
}

HandleResult TerminalEngine::onPolicyData(const Message& message) {
    const auto [share, entries] = PolicyData::of(message);
    for (const auto& entry : entries)
        if (entry.share_id != share.id) return HandleResult::refused("an entry of another share in policy-data");
    const auto previous = shares_.record(share.id);
    if (const auto problem = shareIdentityProblem(share, previous ? &*previous : nullptr); !problem.empty())
        return HandleResult::refused(problem);
    // A deleted share stays deleted: its tombstone is kept and nothing is stored under it.
    if (!previous || !previous->removed) {
        shares_.putIfNewer(share);
        const auto current = *shares_.record(share.id);
        if (current.removed) {
            log().information("%s: share %s was deleted by %s", account_, share.id, share.creator);
        } else if (!current.isMember(account_)) {
            shares_.remove(share.id);
        } else {
            for (const auto& entry : entries) storeFromRelay(entry);
        }
    }
    answer(message, true);
    return HandleResult::applied();
}

HandleResult TerminalEngine::onResourceInfo(const Message& message, bool deletion) {
    const auto share_id = json::requireString(message.body, "share_id", "body");
    std::vector<ResourceEntry> storage;
    const auto& entries = entriesOf(message, storage);
    if (!shares_.find(share_id)) {
        // Late records of a deleted share are dropped; of an unknown one, kept until it comes.
        if (const auto record = shares_.record(share_id); record && record->removed) return HandleResult::applied();
        return HandleResult::deferred("share " + share_id + " is not known here yet", dependency::share(share_id));
    }
    for (const auto& entry : entries) {
        if (entry.share_id != share_id || entry.removed != deletion)
            return HandleResult::refused("entry '" + entry.name + "' does not fit the message");
        storeFromRelay(entry);
    }
    return HandleResult::applied();
}

// Nobody else may rewrite what this terminal owns. Only a record of its own that it does not
// have at all (its database was lost and made anew) is taken back, so that it goes on numbering
// its versions where it left off.
void TerminalEngine::storeFromRelay(const ResourceEntry& entry) {
    if (entry.owner == account_ && shares_.entryOf(entry.share_id, entry.name, account_)) return;
    shares_.putEntryIfNewer(entry);
}

OwnerDigests TerminalEngine::onResultDigests(const Message&, const SyncReport& report,
                                             const std::optional<OwnerDigests>& digests) {
    if (digests && shares_.find(report.share_id)) repairOwnRecords(report.share_id, *digests);
    return {};
}

// This terminal speaks for its own records: where its relay's copy of them differs, it sends
// them all again (after any check above, so they are the latest).
void TerminalEngine::repairOwnRecords(const std::string& share_id, const OwnerDigests& relays_copy) {
    const OwnerDigests mine{{account_, shares_.ownerDigests(share_id)[account_]}};
    if (staleOwners(relays_copy, mine).empty()) return;
    sendRecords(relay_, share_id, shares_.recordsOf(share_id, account_));
}

}  // namespace relaysync::core
