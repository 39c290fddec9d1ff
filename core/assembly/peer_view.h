#pragma once
// The peers command's answer: each peer, connected or not and since when, when it last sent a
// message, and how many messages wait for it.

#include <functional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "assembly/queue_view.h"
#include "relaysync/sdk/transport.h"
#include "runtime/peer_log.h"

namespace relaysync::core {

struct PeerRow {
    std::string account;
    sdk::Reachability state = sdk::Reachability::unknown;  // what the transport says now
    std::int64_t since_ms = 0;                             // 0: not known
    std::int64_t last_message_ms = 0;                      // 0: none since the daemon started
    std::size_t queued = 0;                                // messages in the outbox for it
};

// Every peer the log has seen or the outbox has messages for, by account.
std::vector<PeerRow> readPeers(const std::vector<PeerRecord>& seen, const std::vector<OutboxRow>& outbox,
                               const std::function<sdk::Reachability(const std::string&)>& reachability);

// {"peers": [{"account", "state", "since", "last_message", "queued"}], "text": table}; times in
// UTC ISO form in JSON ("" when not known), local time in the table.
Poco::JSON::Object::Ptr peersResult(const std::vector<PeerRow>& rows);

}  // namespace relaysync::core
