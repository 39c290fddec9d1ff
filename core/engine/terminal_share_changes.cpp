// What a terminal takes back of what it shared. A share's creator changes its definition
// (docs/protocol.md §4.3): members added or removed, or the share deleted. The definition is the
// creator's alone (the relay and every other node check that it came from the creator, §2a);
// each change is its next version, sent as create-shared-resource like the first, so new
// members get the whole copy and former members drop the share. A resource's owner removes it
// from a share (§4.4): its own record's next version, a tombstone.
#include <algorithm>

#include "engine/share_messages.h"
#include "engine/terminal_engine.h"

namespace relaysync::core {

namespace {
// An account named twice on a command line counts once.
std::vector<std::string> distinct(std::vector<std::string> accounts) {
    std::sort(accounts.begin(), accounts.end());
    accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
    return accounts;
}
}  // namespace

Share TerminalEngine::ownShare(const std::string& command, const std::string& share_id) {
    const auto share = shares_.record(share_id);
    if (!share) throw CommandError(command + ": share " + share_id + " is not known here");
    if (share->removed) throw CommandError(command + ": share " + share_id + " was deleted");
    if (share->creator != account_)
        throw CommandError(command + ": only its creator " + share->creator + " may change share " + share_id);
    return *share;
}

Share TerminalEngine::redefine(Share share) {
    ++share.version;
    std::sort(share.members.begin(), share.members.end());
    shares_.putIfNewer(share);
    send(MessageType::create_shared_resource, relay_, ShareDefinition{share}.toBody());
    return share;
}

Share TerminalEngine::addShareMembers(const std::string& share_id, const std::vector<std::string>& members) {
    const std::string command = "add-share-members";
    return runCommand([&] {
        auto share = ownShare(command, share_id);
        if (members.empty()) throw CommandError(command + ": name at least one terminal to add");
        const auto group = groups_.find(share.group_id);
        for (const auto& member : distinct(members)) {
            if (share.isMember(member)) throw CommandError(command + ": " + member + " is already a member of " + share_id);
            if (!group || !group->findTerminal(member))
                throw CommandError(command + ": " + member + " is not a shareable terminal of group " + share.group_id);
            share.members.push_back(member);
        }
        return redefine(std::move(share));
    });
}

Share TerminalEngine::removeShareMembers(const std::string& share_id, const std::vector<std::string>& members) {
    const std::string command = "remove-share-members";
    return runCommand([&] {
        auto share = ownShare(command, share_id);
        if (members.empty()) throw CommandError(command + ": name at least one member to remove");
        for (const auto& member : distinct(members)) {
            if (member == account_)
                throw CommandError(command + ": the creator stays a member of its share (delete-share deletes it)");
            const auto found = std::find(share.members.begin(), share.members.end(), member);
            if (found == share.members.end())
                throw CommandError(command + ": " + member + " is not a member of " + share_id);
            share.members.erase(found);
        }
        return redefine(std::move(share));
    });
}

Share TerminalEngine::deleteShare(const std::string& share_id) {
    return runCommand([&] {
        auto share = ownShare("delete-share", share_id);
        // The last name and members stay in the tombstone: every former member hears of it.
        share.removed = true;
        return redefine(std::move(share));
    });
}

ResourceEntry TerminalEngine::removeResource(const std::string& share_id, const std::string& name) {
    const std::string command = "remove-resource";
    return runCommand([&] {
        const auto share = shares_.find(share_id);
        if (!share || !share->isMember(account_))
            throw CommandError(command + ": this terminal is not a member of share " + share_id);
        auto own = shares_.entryOf(share_id, name, account_);
        if (!own || own->removed) {
            // Only the owner writes an entry's records; nobody removes another's.
            const auto shown = shares_.entry(share_id, name);
            if (shown && !shown->removed)
                throw CommandError(command + ": '" + name + "' is shared by " + shown->owner +
                                   "; only its owner can remove it");
            throw CommandError(command + ": share " + share_id + " has no resource '" + name + "'");
        }
        ++own->version;
        own->removed = true;
        shares_.putEntryIfNewer(*own);
        publish(MessageType::delete_resource_info, share_id, {*own});
        return *own;
    });
}

}  // namespace relaysync::core
