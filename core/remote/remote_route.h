#pragma once
// Where a remote-access message goes next, and whether it may: the trust rules of
// docs/protocol.md §4.7, read from the node's database (never written). Called under the
// node's lock.

#include <optional>
#include <string>

#include "engine/engine_base.h"
#include "protocol/remote_message.h"
#include "remote/owner_service.h"

namespace relaysync::core {

// Who handed a message to this node, as the transport proved it.
struct RemotePeer {
    std::string account;
    sdk::PeerRole role = sdk::PeerRole::unknown;
    std::string home_relay;
};

struct RemoteHop {
    std::optional<RemoteErrorCode> refusal;  // with the reason; the message goes no further
    std::string reason;
    std::string next;  // the account to send it to
};

// At a relay: a request goes toward the owner, a reply toward the asker.
RemoteHop relayHop(EngineBase& engine, const RemotePeer& sender, const RemoteMessage& message);

// At the owner terminal: what its database says of a request (OwnerService::LookUp).
OwnerFacts ownerFacts(EngineBase& engine, const RemoteMessage& request);

// Whether `type` goes from the asker toward the owner.
inline bool isRemoteRequest(RemoteType type) {
    return type == RemoteType::browse_request || type == RemoteType::fetch_request;
}

}  // namespace relaysync::core
