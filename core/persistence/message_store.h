#pragma once
// The messages a node keeps: the outbox (sent only after the state change that made them is
// committed), the ids already handled (idempotence), and messages that arrived before what
// they depend on (deferred, retried after every state change).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "persistence/database.h"
#include "protocol/message_id.h"
#include "relaysync/sdk/transport.h"

namespace relaysync::core {

struct OutboxItem {
    std::int64_t seq = 0;
    std::string destination;
    std::string payload;
};

struct DeferredMessage {
    std::int64_t seq = 0;
    sdk::PeerIdentity sender;  // as the transport authenticated it
    std::string payload;
    std::string reason;
    int attempts = 0;
    std::int64_t deferred_at_ms = 0;
    std::string waits_for;  // engine/dependency.h
};

// What waits in the deferred queue: a count and the payloads' bytes.
struct DeferredLoad {
    std::size_t messages = 0;
    std::size_t bytes = 0;
};

// How many messages wait, for status pages.
struct QueueCounts {
    std::size_t outbox = 0;        // to be sent
    std::size_t dead_letters = 0;  // set aside as undeliverable
    std::size_t deferred = 0;      // received before what they depend on
    std::size_t deferred_bytes = 0;
};

class MessageStore {
public:
    QueueCounts counts();

    explicit MessageStore(Database& database) : database_(database), session_(database.session()) {}

    void enqueue(const std::string& destination, const std::string& payload);
    // Messages waiting for one destination (an index lookup).
    std::size_t outboxCount(const std::string& destination);
    std::vector<OutboxItem> outbox();
    std::vector<std::string> outboxDestinations();
    // The destinations enqueue() wrote to since the last call (committed or not): what the
    // dispatcher looks at after a change, without asking the database.
    std::set<std::string> takeEnqueuedDestinations();
    const std::set<std::string>& enqueuedDestinations() const { return enqueued_to_; }
    void removeFromOutbox(std::int64_t seq);
    // The transport took `item`. Its row leaves the outbox with the next transaction that writes
    // anyway (removeDelivered), not in a commit of its own: that commit was a sixth of a message
    // hop's CPU. Until then every outbox reader skips it. A crash in between sends it again, and
    // the peer drops it as a duplicate (seen()). Each destination's messages go oldest first, so
    // "delivered" is "this destination's rows up to a seq".
    void markDelivered(const OutboxItem& item);
    // Deletes the delivered rows inside the caller's open transaction; deliveredRemoved() once
    // that committed (a rollback keeps them due).
    void removeDelivered();
    void deliveredRemoved() { undeleted_.clear(); }
    // The same in a transaction of its own; nothing when the caller has one open (a later
    // transaction takes them).
    void settleDelivered();
    // A message the transport says can never be delivered: kept aside for the operator.
    void moveToDeadLetters(const OutboxItem& item, const std::string& reason);

    // Whether `sender`'s message `id` was taken already: its number is at or below the
    // high-water mark of its epoch.
    bool seen(const std::string& sender, const MessageId& id);
    // Raises the mark; keeps the kEpochsPerSender most recently used epochs of each sender.
    void markSeen(const std::string& sender, const MessageId& id, std::int64_t now_ms);
    static constexpr int kEpochsPerSender = 4;

    void defer(const sdk::PeerIdentity& sender, const std::string& payload, const std::string& reason,
               const std::string& waits_for, std::int64_t now_ms);
    std::vector<DeferredMessage> deferred();  // all of them, oldest first (status, tests)
    // The distinct dependencies that messages wait for, and the messages waiting for one.
    std::vector<std::string> deferredDependencies();
    std::vector<DeferredMessage> deferredWaitingFor(const std::string& waits_for);
    DeferredLoad deferredLoad(const std::string& sender);
    DeferredLoad deferredLoad();  // every sender's
    void removeDeferred(std::int64_t seq);
    void countDeferredAttempt(std::int64_t seq);
    // A retried message that now waits for something else.
    void rewaitDeferred(std::int64_t seq, const std::string& waits_for, const std::string& reason);
    // Drops messages deferred before `before_ms`; returns how many went.
    std::size_t dropDeferredBefore(std::int64_t before_ms);

    // What waits and what was set aside, for operators (relaysync-admin outbox, dead-letters).
    // A count that comes with a delete is exact as long as nothing else writes in between (the
    // node's lock, or the caller's transaction, sees to that).

    // One per destination with messages waiting: how many, and the oldest of them.
    struct OutboxSummary {
        std::string destination;
        std::size_t count = 0;
        OutboxItem oldest;
    };
    std::vector<OutboxSummary> outboxSummary();
    // Drops every message waiting for `destination`; returns how many there were.
    std::size_t purgeOutbox(const std::string& destination);

    // A message the transport refused for good (moveToDeadLetters), with its reason.
    struct DeadLetter {
        std::int64_t seq = 0;
        std::string destination;
        std::string payload;
        std::string reason;
    };
    std::vector<DeadLetter> deadLetters();
    std::optional<DeadLetter> deadLetter(std::int64_t seq);
    // False when there is no dead letter `seq`.
    bool removeDeadLetter(std::int64_t seq);
    // Removes every dead letter; returns how many there were.
    std::size_t purgeDeadLetters();
    // Keeps the newest `keep` dead letters; returns how many went.
    std::size_t pruneDeadLetters(std::size_t keep);

    // The oldest message waiting for `destination`: a sender takes them one at a time, so that
    // what an operator drops meanwhile is not sent from a list read earlier.
    std::optional<OutboxItem> oldestFor(const std::string& destination);
    // False when the last oldestFor(destination) saw no message behind the one it returned and
    // nothing was queued for it since: the sender need not ask the database again (a read
    // transaction per hop).
    bool mayHaveMore(const std::string& destination) const;

private:
    // Rows of `destination` at or below this seq were delivered (0: none known).
    std::int64_t deliveredThrough(const std::string& destination) const;

    Database& database_;
    Poco::Data::Session& session_;
    std::set<std::string> enqueued_to_;
    std::map<std::string, std::int64_t> delivered_through_;  // per destination, since this process started
    std::map<std::string, std::int64_t> undeleted_;          // the part of it still in the table
    std::map<std::string, std::uint64_t> enqueued_count_;    // per destination, since this process started
    std::map<std::string, std::uint64_t> last_of_;           // enqueued_count_ when oldestFor saw the last row
};

}  // namespace relaysync::core
