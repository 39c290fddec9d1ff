#pragma once
// What relays and terminals share: the receive path (decode, authenticate, de-duplicate, handle
// in one transaction with the messages it sends, defer what arrived early) and the outbox.

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/Logger.h>

#include "engine/handle_result.h"
#include "engine/sync_fanout.h"
#include "engine/warning_limiter.h"
#include "metrics/node_metrics.h"
#include "persistence/database.h"
#include "persistence/group_repository.h"
#include "persistence/message_store.h"
#include "persistence/share_repository.h"
#include "persistence/sync_store.h"
#include "protocol/codec.h"
#include "protocol/message.h"
#include "relaysync/sdk/transport.h"

namespace relaysync::core {

// A command from an operator or user that cannot be carried out; says why in one line.
class CommandError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class EngineBase {
public:
    // A message that waits longer than this for what it depends on is dropped at the next
    // pruning (and logged): whatever it waited for is not coming, e.g. the share was left.
    static constexpr std::int64_t kDeferredLifetimeMs = 24LL * 3600 * 1000;

    // How much may wait for what it depends on (profile `limits`). Reordering leaves a few
    // messages waiting; beyond these bounds it is not reordering, and a message that would
    // exceed one is not taken (not acknowledged): its sender keeps it and tries again later.
    struct DeferralLimits {
        std::size_t messages_per_sender = 50;
        std::size_t bytes_per_sender = 16 * 1024 * 1024;
        std::size_t messages = 1000;
        std::size_t bytes = 64 * 1024 * 1024;
    };
    void setDeferralLimits(const DeferralLimits& limits) { deferral_limits_ = limits; }

    using ReachabilityQuery = std::function<sdk::Reachability(const std::string& account)>;

    EngineBase(Database& database, std::string account);
    virtual ~EngineBase() = default;

    const std::string& account() const { return account_; }
    // The epoch of this node's database, in every message id it gives out.
    const std::string& epoch() const { return database_.epoch(); }

    // A payload arrived from the authenticated peer `from`. Never throws: bad input is logged and
    // dropped, a refusal is answered. False only when it could not be stored (the sender should
    // retry).
    bool receive(const sdk::PeerIdentity& from, const std::string& payload);

    // Closes synchronizes whose deadline has passed: the silent nodes are reported as
    // unreachable. Called periodically by the node.
    void expireSyncs();

    // The largest message this node sends (profile `limits.max_payload_bytes`; never more than
    // every node takes, kMaxMessageBytes). Lists are split to fit, with room for the rest.
    void setMaxPayloadBytes(std::size_t bytes) { max_payload_bytes_ = std::min(bytes, kMaxMessageBytes); }
    std::size_t chunkBytes() const { return max_payload_bytes_ / 2; }

    // What a node keeps of its history (profile `retention`).
    struct Retention {
        std::int64_t tombstone_ms = 90LL * 24 * 3600 * 1000;  // removed entries, kept so late messages cannot revive them
        std::size_t sync_results = 200;                      // newest reports of syncs started here
        std::size_t dead_letters = 1000;                     // newest undeliverable messages
    };
    void setRetention(const Retention& retention) { retention_ = retention; }
    // Drops what is older than the retention allows, in one transaction; logs what went.
    void prune();

    // Milliseconds since 1970; tests set a clock of their own to move time on.
    using Clock = std::function<std::int64_t()>;
    void setClock(Clock clock) { clock_ = std::move(clock); }
    static std::int64_t systemClockMs();

    // An operator puts dead letter `seq` back into the outbox, re-stamped with a fresh id from
    // this node's message counter: receivers drop ids lower than what they have already seen
    // from a sender, and the old id is older than everything sent since. One transaction.
    // Returns the new id; throws CommandError when there is no such dead letter or it cannot
    // be read.
    std::string resendDeadLetter(std::int64_t seq);
    // The same for every dead letter, oldest first, in one transaction; returns how many.
    std::size_t resendAllDeadLetters();

    // How the engine learns whether a node can be asked now (the transport's view).
    void setReachabilityQuery(ReachabilityQuery query) { reachability_ = std::move(query); }

    // Messages this engine has queued and taken in since it started, by wire type: what a
    // synchronize cost can be read off a running node (status "traffic").
    // Refusals queued for one peer at most (sendAnswer): more are logged, not queued.
    static constexpr std::size_t kMaxQueuedRefusals = 1000;

    struct TrafficCount {
        std::int64_t sent = 0;
        std::int64_t received = 0;
        std::int64_t sent_bytes = 0;  // encoded protocol messages, without any transport's framing
        std::int64_t received_bytes = 0;
    };
    const std::map<std::string, TrafficCount>& traffic() const { return traffic_; }

    // Read access for status pages and tests.
    GroupRepository& groups() { return groups_; }
    ShareRepository& shares() { return shares_; }
    MessageStore& messages() { return messages_; }
    SyncStore& syncs() { return syncs_; }
    // The database itself, for read-only queries of their own (status pages, metrics).
    Database& database() { return database_; }
    // What this node counts for its /metrics page (docs/metrics.md); thread-safe.
    metrics::NodeMetrics& metrics() { return metrics_; }

protected:
    virtual HandleResult handle(const Message& message) = 0;
    // synchronize-result, synchronize-progress and answer, which relays and terminals treat alike.
    HandleResult handleReply(const Message& message);
    // A sync this node was asked ended: the summed report goes back (with this node's digests
    // for a whole-share sync), or is logged where this node asked itself.
    virtual void onSyncFinished(const SyncSession& finished);
    // An awaited result of a whole-share sync carried `digests` (nullopt: none, the sender does
    // not hold the share): repair what differs; returns the digests to keep for the end.
    virtual OwnerDigests onResultDigests(const Message& result, const SyncReport& report,
                                         const std::optional<OwnerDigests>& digests);
    // Entries as update- or delete-resource-info (by `type`), in chunks under the size limit, to
    // each of `to`.
    void sendEntries(MessageType type, const std::vector<std::string>& to, const std::string& share_id,
                     const std::vector<ResourceEntry>& entries);
    // Records as they are: live ones as update-resource-info, tombstones as delete-resource-info.
    void sendRecords(const std::string& to, const std::string& share_id, const std::vector<ResourceEntry>& records);

    // Queues a message; written to the outbox in the caller's transaction.
    void send(MessageType type, const std::string& to, Poco::JSON::Object::Ptr body);
    // The same with the body as JSON text already (protocol/codec.h, stringifyBody).
    void send(MessageType type, const std::string& to, std::string_view body_json);
    void answer(const Message& request, bool ok, const std::string& reason = {});
    // The answer to message `re` (of type `re_type`) from `to`, when it is given later.
    void sendAnswer(const std::string& to, const std::string& re, MessageType re_type, bool ok,
                    const std::string& reason);
    bool reachable(const std::string& account) const;
    std::int64_t nowMs() const { return clock_(); }

    // Runs a command in one transaction, then retries deferred messages.
    template <class Command>
    auto runCommand(Command&& command) {
        Transaction transaction(database_);
        if constexpr (std::is_void_v<decltype(command())>) {
            command();
            transaction.commit();
            retryDeferred();
        } else {
            auto result = command();
            transaction.commit();
            retryDeferred();
            return result;
        }
    }

    Poco::Logger& log() const { return logger_; }

    Database& database_;
    GroupRepository groups_;
    ShareRepository shares_;
    MessageStore messages_;
    SyncStore syncs_;
    const std::string account_;
    SyncFanout fanout_;

private:
    enum class Delivery { fresh, retry };
    enum class Outcome {
        done,     // applied, refused, duplicate or garbage: finished with
        waiting,  // deferred until what it depends on arrives
        busy,     // not taken now (too many of the sender's wait already); the sender retries
        failed,   // storage failed; nothing was committed
    };
    // `deferral`, when given, receives the handler's result when the message was deferred.
    Outcome process(const sdk::PeerIdentity& sender, const std::string& payload, Delivery delivery,
                    HandleResult* deferral = nullptr);
    // Logs a warning about a message from `sender`, at most 20 a minute per sender (then a count
    // of what was left out). Values from the message go through logValue (model/text_cell.h).
    void warnAbout(const std::string& sender, const std::string& text);
    // Why a fresh message from `sender` that is to wait cannot be taken; empty when it can.
    std::string deferralRefusal(const std::string& sender, std::size_t payload_bytes);
    // Retries the messages whose dependency is now met, until nothing more moves.
    void retryDeferred();
    // "<account>#<n>", n from the node's message counter: the one way a message gets its id.
    std::string nextMessageId();
    // Re-stamps one dead letter into the outbox (inside the caller's transaction); returns it.
    Message requeue(const MessageStore::DeadLetter& letter);
    // Counts and logs a requeued dead letter once its transaction is committed.
    void resent(std::int64_t seq, const Message& message);

    ReachabilityQuery reachability_;
    Clock clock_ = systemClockMs;
    Retention retention_;
    DeferralLimits deferral_limits_;
    WarningLimiter warnings_;
    std::size_t max_payload_bytes_ = kMaxMessageBytes;
    Poco::Logger& logger_;
    std::map<std::string, TrafficCount> traffic_;
    metrics::NodeMetrics metrics_;
    // False once the deferred queue was found empty, until a message is deferred: the queue is
    // usually empty, and every message and command would otherwise look at it.
    bool deferred_may_wait_ = true;
};

}  // namespace relaysync::core
