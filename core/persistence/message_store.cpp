#include "persistence/message_store.h"

#include <Poco/Data/Statement.h>
#include <Poco/Tuple.h>

#include "persistence/sql_query.h"

using namespace Poco::Data::Keywords;

namespace relaysync::core {

QueueCounts MessageStore::counts() {
    settleDelivered();
    QueueCounts counts;
    session_ << "SELECT COUNT(*) FROM outbox", into(counts.outbox), now;
    session_ << "SELECT COUNT(*) FROM dead_letters", into(counts.dead_letters), now;
    const auto deferred = deferredLoad();
    counts.deferred = deferred.messages;
    counts.deferred_bytes = deferred.bytes;
    return counts;
}

void MessageStore::enqueue(const std::string& destination, const std::string& payload) {
    Query insert(database_, "INSERT INTO outbox (seq, destination, payload) VALUES (?, ?, ?)");
    insert.bind(database_.nextCounter("outbox")).bind(destination).bind(payload).run();
    enqueued_to_.insert(destination);
    ++enqueued_count_[destination];
}

std::set<std::string> MessageStore::takeEnqueuedDestinations() {
    std::set<std::string> destinations;
    destinations.swap(enqueued_to_);
    return destinations;
}

std::size_t MessageStore::outboxCount(const std::string& destination) {
    Query count(database_, "SELECT COUNT(*) FROM outbox WHERE destination = ? AND seq > ?");
    count.bind(destination).bind(deliveredThrough(destination));
    return count.next() ? static_cast<std::size_t>(count.integer(0)) : 0;
}

std::vector<OutboxItem> MessageStore::outbox() {
    settleDelivered();
    std::vector<Poco::Tuple<Poco::Int64, std::string, std::string>> rows;
    session_ << "SELECT seq, destination, payload FROM outbox ORDER BY seq", into(rows), now;
    std::vector<OutboxItem> items;
    for (const auto& row : rows)
        if (row.get<0>() > deliveredThrough(row.get<1>())) items.push_back({row.get<0>(), row.get<1>(), row.get<2>()});
    return items;
}

std::vector<std::string> MessageStore::outboxDestinations() {
    // One index look-up per destination (a skip scan), however many messages wait: the
    // dispatcher asks after every change, while a slow peer's backlog may be long.
    settleDelivered();
    std::vector<std::string> destinations;
    for (;;) {
        Query next(database_, destinations.empty()
                                  ? "SELECT destination FROM outbox ORDER BY destination LIMIT 1"
                                  : "SELECT destination FROM outbox WHERE destination > ? ORDER BY destination LIMIT 1");
        if (!destinations.empty()) next.bind(destinations.back());
        if (!next.next()) return destinations;
        destinations.push_back(next.text(0));
    }
}

void MessageStore::removeFromOutbox(std::int64_t seq) {
    Query(database_, "DELETE FROM outbox WHERE seq = ?").bind(seq).run();
}

void MessageStore::markDelivered(const OutboxItem& item) {
    delivered_through_[item.destination] = item.seq;
    undeleted_[item.destination] = item.seq;
}

std::int64_t MessageStore::deliveredThrough(const std::string& destination) const {
    const auto found = delivered_through_.find(destination);
    return found == delivered_through_.end() ? 0 : found->second;
}

void MessageStore::removeDelivered() {
    for (const auto& [destination, seq] : undeleted_)
        Query(database_, "DELETE FROM outbox WHERE destination = ? AND seq <= ?").bind(destination).bind(seq).run();
}

void MessageStore::settleDelivered() {
    if (undeleted_.empty() || database_.inTransaction()) return;
    Transaction transaction(database_);
    removeDelivered();
    transaction.commit();
    deliveredRemoved();
}

void MessageStore::moveToDeadLetters(const OutboxItem& item, const std::string& reason) {
    Poco::Int64 seq = item.seq;
    std::string to = item.destination, bytes = item.payload, why = reason;
    session_ << "INSERT INTO dead_letters (seq, destination, payload, reason) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (seq) DO NOTHING",
        use(seq), use(to), use(bytes), use(why), now;
    removeFromOutbox(item.seq);
}

bool MessageStore::seen(const std::string& sender, const MessageId& id) {
    Query mark(database_, "SELECT 1 FROM peer_sequences WHERE sender = ? AND epoch = ? AND high_water >= ?");
    mark.bind(sender).bind(id.epoch).bind(id.n);
    return mark.next();
}

void MessageStore::markSeen(const std::string& sender, const MessageId& id, std::int64_t now_ms) {
    // The sender's current epoch has its row already, but for its first message: one update.
    Query raise(database_, "UPDATE peer_sequences SET last_ms = ?, high_water = CASE WHEN ? > high_water THEN ?"
                           " ELSE high_water END WHERE sender = ? AND epoch = ?");
    if (raise.bind(now_ms).bind(id.n).bind(id.n).bind(sender).bind(id.epoch).run() > 0) return;
    Query(database_, "INSERT INTO peer_sequences (sender, epoch, high_water, last_ms) VALUES (?, ?, ?, ?)")
        .bind(sender)
        .bind(id.epoch)
        .bind(id.n)
        .bind(now_ms)
        .run();
    // A sender that keeps making new epochs (a database made again and again, or a liar) costs
    // a bounded number of rows: trimmed when a new one comes.
    Query trim(database_, "DELETE FROM peer_sequences WHERE sender = ? AND epoch NOT IN (SELECT epoch FROM peer_sequences"
                          " WHERE sender = ? ORDER BY last_ms DESC, epoch LIMIT ?)");
    trim.bind(sender).bind(sender).bind(std::int64_t{kEpochsPerSender}).run();
}

void MessageStore::defer(const sdk::PeerIdentity& sender, const std::string& payload, const std::string& reason,
                         const std::string& waits_for, std::int64_t now_ms) {
    Poco::Int64 seq = database_.nextCounter("deferred"), at = now_ms, size = static_cast<Poco::Int64>(payload.size());
    std::string from = sender.account, home = sender.home_relay, bytes = payload, why = reason, key = waits_for;
    int role = static_cast<int>(sender.role);
    session_ << "INSERT INTO deferred_messages (seq, sender, sender_role, sender_home, payload, reason, attempts,"
                " deferred_at_ms, waits_for, bytes) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
        use(seq), use(from), use(role), use(home), use(bytes), use(why), use(at), use(key), use(size), now;
}

namespace {
using DeferredRow =
    Poco::Tuple<Poco::Int64, std::string, int, std::string, std::string, std::string, int, Poco::Int64, std::string>;
constexpr const char* kDeferredColumns =
    "SELECT seq, sender, sender_role, sender_home, payload, reason, attempts, deferred_at_ms, waits_for"
    " FROM deferred_messages";

std::vector<DeferredMessage> toDeferred(const std::vector<DeferredRow>& rows) {
    std::vector<DeferredMessage> items;
    for (const auto& row : rows) {
        const sdk::PeerIdentity sender{row.get<1>(), static_cast<sdk::PeerRole>(row.get<2>()), row.get<3>()};
        items.push_back({row.get<0>(), sender, row.get<4>(), row.get<5>(), row.get<6>(), row.get<7>(), row.get<8>()});
    }
    return items;
}
}  // namespace

std::vector<DeferredMessage> MessageStore::deferred() {
    std::vector<DeferredRow> rows;
    session_ << kDeferredColumns << " ORDER BY seq", into(rows), now;
    return toDeferred(rows);
}

std::vector<std::string> MessageStore::deferredDependencies() {
    Query distinct(database_, "SELECT DISTINCT waits_for FROM deferred_messages ORDER BY waits_for");
    std::vector<std::string> keys;
    while (distinct.next()) keys.push_back(distinct.text(0));
    return keys;
}

std::vector<DeferredMessage> MessageStore::deferredWaitingFor(const std::string& waits_for) {
    std::vector<DeferredRow> rows;
    std::string key = waits_for;
    session_ << kDeferredColumns << " WHERE waits_for = ? ORDER BY seq", into(rows), use(key), now;
    return toDeferred(rows);
}

DeferredLoad MessageStore::deferredLoad(const std::string& sender) {
    Query load(database_, "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM deferred_messages WHERE sender = ?");
    if (!load.bind(sender).next()) return {};
    return {static_cast<std::size_t>(load.integer(0)), static_cast<std::size_t>(load.integer(1))};
}

DeferredLoad MessageStore::deferredLoad() {
    Query load(database_, "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM deferred_messages");
    if (!load.next()) return {};
    return {static_cast<std::size_t>(load.integer(0)), static_cast<std::size_t>(load.integer(1))};
}

void MessageStore::removeDeferred(std::int64_t seq) {
    Poco::Int64 key = seq;
    session_ << "DELETE FROM deferred_messages WHERE seq = ?", use(key), now;
}

void MessageStore::countDeferredAttempt(std::int64_t seq) {
    Poco::Int64 key = seq;
    session_ << "UPDATE deferred_messages SET attempts = attempts + 1 WHERE seq = ?", use(key), now;
}

void MessageStore::rewaitDeferred(std::int64_t seq, const std::string& waits_for, const std::string& reason) {
    Poco::Int64 key = seq;
    std::string dependency = waits_for, why = reason;
    session_ << "UPDATE deferred_messages SET attempts = attempts + 1, waits_for = ?, reason = ? WHERE seq = ?",
        use(dependency), use(why), use(key), now;
}

std::size_t MessageStore::dropDeferredBefore(std::int64_t before_ms) {
    Poco::Int64 before = before_ms;
    Poco::Data::Statement drop(session_);
    drop << "DELETE FROM deferred_messages WHERE deferred_at_ms < ?", use(before);
    return drop.execute();
}

std::vector<MessageStore::OutboxSummary> MessageStore::outboxSummary() {
    settleDelivered();
    std::vector<Poco::Tuple<std::string, Poco::Int64, Poco::Int64, std::string>> rows;
    session_ << "SELECT o.destination, c.waiting, o.seq, o.payload FROM outbox o"
                " JOIN (SELECT destination, COUNT(*) AS waiting, MIN(seq) AS oldest FROM outbox GROUP BY destination) c"
                " ON o.seq = c.oldest ORDER BY o.destination",
        into(rows), now;
    std::vector<OutboxSummary> summary;
    for (const auto& row : rows)
        summary.push_back({row.get<0>(), static_cast<std::size_t>(row.get<1>()), {row.get<2>(), row.get<0>(), row.get<3>()}});
    return summary;
}

std::size_t MessageStore::purgeOutbox(const std::string& destination) {
    settleDelivered();
    std::string to = destination;
    std::size_t count = 0;
    session_ << "SELECT COUNT(*) FROM outbox WHERE destination = ?", into(count), use(to), now;
    session_ << "DELETE FROM outbox WHERE destination = ?", use(to), now;
    return count;
}

std::vector<MessageStore::DeadLetter> MessageStore::deadLetters() {
    std::vector<Poco::Tuple<Poco::Int64, std::string, std::string, std::string>> rows;
    session_ << "SELECT seq, destination, payload, reason FROM dead_letters ORDER BY seq", into(rows), now;
    std::vector<DeadLetter> letters;
    for (const auto& row : rows) letters.push_back({row.get<0>(), row.get<1>(), row.get<2>(), row.get<3>()});
    return letters;
}

std::optional<MessageStore::DeadLetter> MessageStore::deadLetter(std::int64_t seq) {
    Poco::Int64 key = seq;
    std::vector<Poco::Tuple<std::string, std::string, std::string>> rows;
    session_ << "SELECT destination, payload, reason FROM dead_letters WHERE seq = ?", into(rows), use(key), now;
    if (rows.empty()) return std::nullopt;
    return DeadLetter{seq, rows[0].get<0>(), rows[0].get<1>(), rows[0].get<2>()};
}

bool MessageStore::removeDeadLetter(std::int64_t seq) {
    Poco::Int64 key = seq;
    std::size_t count = 0;
    session_ << "SELECT COUNT(*) FROM dead_letters WHERE seq = ?", into(count), use(key), now;
    session_ << "DELETE FROM dead_letters WHERE seq = ?", use(key), now;
    return count > 0;
}

std::size_t MessageStore::purgeDeadLetters() {
    std::size_t count = 0;
    session_ << "SELECT COUNT(*) FROM dead_letters", into(count), now;
    session_ << "DELETE FROM dead_letters", now;
    return count;
}

std::optional<OutboxItem> MessageStore::oldestFor(const std::string& destination) {
    Query oldest(database_, "SELECT seq, payload FROM outbox WHERE destination = ? AND seq > ? ORDER BY seq LIMIT 2");
    if (!oldest.bind(destination).bind(deliveredThrough(destination)).next()) return std::nullopt;
    OutboxItem item{oldest.integer(0), destination, oldest.text(1)};
    if (oldest.next()) last_of_.erase(destination);
    else last_of_[destination] = enqueued_count_[destination];
    return item;
}

bool MessageStore::mayHaveMore(const std::string& destination) const {
    const auto seen = last_of_.find(destination);
    if (seen == last_of_.end()) return true;
    const auto queued = enqueued_count_.find(destination);
    return queued != enqueued_count_.end() && queued->second != seen->second;
}

std::size_t MessageStore::pruneDeadLetters(std::size_t keep) { return database_.keepNewest("dead_letters", keep); }

}  // namespace relaysync::core
