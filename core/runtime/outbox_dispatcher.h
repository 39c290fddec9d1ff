#pragma once
// Hands committed outbox messages to the transport, oldest first. A message leaves the outbox
// only once the transport has taken it; for a peer that is down, it waits (and so does
// everything queued after it for that peer, to keep each peer's order).

#include <cstddef>
#include <mutex>

#include <Poco/Logger.h>

#include "metrics/node_metrics.h"
#include "persistence/message_store.h"
#include "relaysync/sdk/transport.h"

namespace relaysync::core {

class OutboxDispatcher {
public:
    // `metrics`, when given, counts what was delivered and set aside.
    OutboxDispatcher(MessageStore& messages, sdk::Transport& transport, metrics::NodeMetrics* metrics = nullptr);

    // Returns how many messages the transport took. `database_lock`, when given, is taken for
    // each database access and released while the transport sends, which may block until the
    // peer acknowledges; without it the caller holds whatever lock guards the database.
    std::size_t flush(std::mutex* database_lock = nullptr);
    // The same for one destination only, so that a slow peer holds up nobody else's messages.
    // False when the peer could not be reached and messages wait for it.
    bool flushDestination(const std::string& destination, std::mutex* database_lock);

private:
    // Hands one message to the transport; false when its peer cannot be reached now.
    bool deliver(const OutboxItem& item, std::mutex* database_lock);

    MessageStore& messages_;
    sdk::Transport& transport_;
    Poco::Logger& logger_;
    metrics::NodeMetrics* metrics_;
};

}  // namespace relaysync::core
