#include "runtime/outbox_dispatcher.h"

#include <set>

namespace relaysync::core {

OutboxDispatcher::OutboxDispatcher(MessageStore& messages, sdk::Transport& transport, metrics::NodeMetrics* metrics)
    : messages_(messages), transport_(transport), logger_(Poco::Logger::get("relaysync.outbox")), metrics_(metrics) {}

namespace {
template <class Action>
auto withLock(std::mutex* lock, Action&& action) {
    if (!lock) return action();
    std::lock_guard guard(*lock);
    return action();
}
}  // namespace

std::size_t OutboxDispatcher::flush(std::mutex* database_lock) {
    std::size_t sent = 0;
    std::set<std::string> waiting;
    const auto items = withLock(database_lock, [&] { return messages_.outbox(); });
    for (const auto& item : items) {
        if (waiting.count(item.destination)) continue;
        if (deliver(item, database_lock))
            ++sent;
        else
            waiting.insert(item.destination);
    }
    return sent;
}

bool OutboxDispatcher::flushDestination(const std::string& destination, std::mutex* database_lock) {
    // One at a time, each read afresh: while the transport waits for the peer, an operator may
    // drop this peer's messages (purge-outbox) or put one back (resend-dead-letter).
    while (const auto item = withLock(database_lock, [&] { return messages_.oldestFor(destination); })) {
        if (!deliver(*item, database_lock)) return false;
        if (!withLock(database_lock, [&] { return messages_.mayHaveMore(destination); })) break;
    }
    return true;
}

bool OutboxDispatcher::deliver(const OutboxItem& item, std::mutex* database_lock) {
    const auto status = transport_.send(item.destination, item.payload);
    if (status.isOk()) {
        withLock(database_lock, [&] { messages_.markDelivered(item); });
        if (metrics_) metrics_->delivered();
    } else if (status.isUnreachable()) {
        // Kept for a later flush (and so is everything after it for this peer, to keep order);
        // the transport tells us when the peer is back.
        logger_.debug("message for %s waits: %s", item.destination, status.toString());
        return false;
    } else {
        // It can never go as it is; set aside, so that it does not hold up the peer's others.
        withLock(database_lock, [&] { messages_.moveToDeadLetters(item, status.toString()); });
        if (metrics_) metrics_->deadLettered();
        logger_.error("message %s for %s cannot be delivered and was set aside: %s", std::to_string(item.seq),
                      item.destination, status.toString());
    }
    return true;
}

}  // namespace relaysync::core
