// What a share's creator changes after creating it (docs/protocol.md §4.3): members added or
// removed, or the share deleted. The definition is the creator's alone (the relay and every
// other node check that it came from the creator, §2a); each change is its next version, sent
// as create-shared-resource like the first, so new members get the whole copy and former
// members drop the share.
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

}  // namespace relaysync::core
