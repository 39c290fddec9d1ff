// Adding resources at a terminal (addResource, patent Fig. 15), in steps like its checks
// (terminal_checks.cpp): the request is checked and the records stored under the node's lock,
// each in a short step; reading the entities' details from the stores runs without it, so that
// hashing a large new folder holds up nothing else.
#include <set>

#include "engine/entity_inspection.h"
#include "engine/terminal_engine.h"
#include "model/text_cell.h"

namespace relaysync::core {

void TerminalEngine::refuseUnaddable(const AddRequest& request) {
    const auto& share_id = request.share_id;
    const auto share = shares_.find(share_id);
    if (!share || !share->isMember(account_))
        throw CommandError("addResource: this terminal is not a member of share " + share_id);
    std::set<std::string> names;
    for (const auto& [name, location] : request.named_locations) {
        if (const auto problem = nameProblem(name, kMaxResourceNameBytes); !problem.empty())
            throw CommandError("addResource: the resource's shared name " + problem);
        if (const auto problem = nameProblem(location, kMaxLocationBytes); !problem.empty())
            throw CommandError("addResource: the location " + problem);
        if (!names.insert(name).second) throw CommandError("addResource: '" + name + "' is named twice");
        const auto shared = shares_.entry(share_id, name);
        if (shared && !shared->removed && shared->owner != account_)
            throw CommandError("addResource: '" + name + "' is already shared by " + shared->owner);
        // Silently pointing a shared name at another entity would change what every member
        // sees under it: only when asked.
        if (shared && !shared->removed && shared->location != location && request.existing == Existing::refuse)
            throw CommandError("addResource: '" + name + "' is already shared from " + shared->location +
                               "; add --replace to share " + location + " under that name instead");
    }
}

TerminalEngine::AddRequest TerminalEngine::prepareAdd(
    const std::string& share_id, const std::vector<std::pair<std::string, std::string>>& named_locations,
    Existing existing) {
    AddRequest request{share_id, named_locations, existing};
    refuseUnaddable(request);
    return request;
}

std::vector<sdk::EntityDetails> TerminalEngine::describeAdded(const AddRequest& request) const {
    std::vector<sdk::EntityDetails> described;
    described.reserve(request.named_locations.size());
    std::set<std::string> confirmed_roots;
    for (const auto& [name, location] : request.named_locations) {
        StoreRouter::Route route;
        if (auto status = stores_.route(location, route); !status.isOk())
            throw CommandError("addResource: " + status.toString());
        const auto call = sdk::CallContext::within(policy_.store_call_timeout);
        if (confirmed_roots.insert(route.prefix).second)
            if (auto status = stores_.confirmRoot(route.prefix, call); !status.isOk())
                throw CommandError("addResource: " + status.toString());
        auto& details = described.emplace_back();
        if (auto status = describeEntity(checker_, route, call, details); !status.isOk())
            throw CommandError("addResource: '" + location + "': " + status.toString());
    }
    return described;
}

void TerminalEngine::finishAdd(const AddRequest& request, const std::vector<sdk::EntityDetails>& details) {
    runCommand([&] {
        // Shares, members and names may have changed while the stores were read.
        refuseUnaddable(request);
        storeAcceptedRoots();
        // One transaction and one message (in chunks under the payload limit) for all of them:
        // adding thousands must not cost a transaction and a message each.
        std::vector<ResourceEntry> added;
        added.reserve(request.named_locations.size());
        for (std::size_t i = 0; i < request.named_locations.size(); ++i) {
            const auto& [name, location] = request.named_locations[i];
            ResourceEntry entry;
            entry.share_id = request.share_id;
            entry.name = name;
            entry.owner = account_;
            entry.location = location;
            entry.details = details.at(i);
            // Versions number this terminal's own record of the name; another owner's never replaces it.
            const auto own = shares_.entryOf(request.share_id, name, account_);
            entry.version = own ? own->version + 1 : 1;
            shares_.putEntryIfNewer(entry);
            added.push_back(std::move(entry));
        }
        publish(MessageType::update_resource_info, request.share_id, added);
    });
}

void TerminalEngine::addResources(const std::string& share_id,
                                  const std::vector<std::pair<std::string, std::string>>& named_locations,
                                  Existing existing) {
    const auto request = prepareAdd(share_id, named_locations, existing);
    finishAdd(request, describeAdded(request));
}

}  // namespace relaysync::core
