#include "runtime/outbox_dispatcher.h"

#include <set>

namespace relaysync::core {

OutboxDispatcher::OutboxDispatcher(MessageStore& messages, sdk::Transport& transport)
    : messages_(messages), transport_(transport), logger_(Poco::Logger::get("relaysync.outbox")) {}

std::size_t OutboxDispatcher::flush() {
    std::size_t sent = 0;
    std::set<std::string> waiting;
    for (const auto& item : messages_.outbox()) {
        if (waiting.count(item.destination)) continue;
        const auto status = transport_.send(item.destination, item.payload);
        if (status.isOk()) {
            messages_.removeFromOutbox(item.seq);
            ++sent;
        } else {
            // Kept for a later flush; the transport tells us when the peer is back.
            waiting.insert(item.destination);
            logger_.debug("message for %s waits: %s", item.destination, status.toString());
        }
    }
    return sent;
}

}  // namespace relaysync::core
