#include "engine/engine_base.h"

#include <chrono>
#include <tuple>

#include "engine/dependency.h"
#include "engine/sync_messages.h"
#include "model/text_cell.h"
#include "protocol/bodies.h"
#include "protocol/codec.h"
#include "protocol/entry_chunks.h"
#include "protocol/json_fields.h"
#include "protocol/message_id.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

std::int64_t EngineBase::systemClockMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

EngineBase::EngineBase(Database& database, std::string account)
    : database_(database),
      groups_(database),
      shares_(database),
      messages_(database),
      syncs_(database),
      account_(std::move(account)),
      fanout_(
          syncs_,
          [this](const SyncSession& finished) {
              const auto& report = finished.report;
              metrics_.syncFinished(finished.reply_to.empty(),
                                    report.unreachable_nodes.empty() && report.problems.empty(),
                                    static_cast<double>(nowMs() - finished.opened_ms) / 1000.0);
              onSyncFinished(finished);
          },
          [this](const SyncSession& opened) { metrics_.syncStarted(opened.reply_to.empty()); }),
      logger_(Poco::Logger::get("relaysync.engine")) {}

void EngineBase::onSyncFinished(const SyncSession& finished) {
    const auto& report = finished.report;
    if (finished.reply_to.empty()) {
        log().information("%s: synchronize %s finished: %s", account_, report.sync_id, report.summary());
        return;
    }
    // A whole-share sync's answer says what this node holds, so the asker can repair (§ Repair).
    std::optional<OwnerDigests> digests;
    if (finished.whole_share && shares_.find(report.share_id)) digests = shares_.ownerDigests(report.share_id);
    send(MessageType::synchronize_result, finished.reply_to, reportBody(report, digests));
}

OwnerDigests EngineBase::onResultDigests(const Message&, const SyncReport&, const std::optional<OwnerDigests>&) {
    return {};
}

void EngineBase::sendEntries(MessageType type, const std::vector<std::string>& to, const std::string& share_id,
                             const std::vector<ResourceEntry>& entries) {
    if (to.empty()) return;
    // Each chunk's body is made into JSON once, whatever the number of destinations.
    for (const auto& chunk : chunkEntries(entries, chunkBytes())) {
        const auto body_json = entriesBodyJson(share_id, chunk);
        for (const auto& destination : to) send(type, destination, std::string_view(body_json));
    }
}

void EngineBase::sendRecords(const std::string& to, const std::string& share_id,
                             const std::vector<ResourceEntry>& records) {
    std::vector<ResourceEntry> live, tombstones;
    for (const auto& record : records) (record.removed ? tombstones : live).push_back(record);
    if (!live.empty()) sendEntries(MessageType::update_resource_info, {to}, share_id, live);
    if (!tombstones.empty()) sendEntries(MessageType::delete_resource_info, {to}, share_id, tombstones);
}

HandleResult EngineBase::handleReply(const Message& message) {
    if (message.type == MessageType::synchronize_result) {
        const auto report = reportFromJson(json::requireObject(message.body, "report", "body"), "body.report");
        const auto session = syncs_.session(report.sync_id);
        if (session && session->waiting_for.count(message.from)) {
            // Repair rides on whole-share syncs only (docs/protocol.md, "Repair").
            const auto keep = session->whole_share ? onResultDigests(message, report, digestsOf(message.body))
                                                   : OwnerDigests{};
            fanout_.onReport(message.from, report, keep);
        }
    } else if (message.type == MessageType::synchronize_progress) {
        auto progress = SyncProgress::fromBody(message.body);
        fanout_.onProgress(message.from, progress.sync_id, {std::move(progress.still_checking), progress.more});
    } else if (!message.body->optValue<bool>("ok", false)) {
        warnAbout(message.from, message.from + " refused " + logValue(json::optionalString(message.body, "re_type")) +
                                    " " + logValue(json::optionalString(message.body, "re")) + ": " +
                                    logValue(json::optionalString(message.body, "reason")));
    }
    return HandleResult::applied();
}

void EngineBase::prune() {
    const auto now = nowMs();
    const auto [tombstones, results, letters, deferred] = runCommand([&] {
        return std::make_tuple(shares_.pruneTombstones(now - retention_.tombstone_ms, now),
                               syncs_.pruneResults(retention_.sync_results),
                               messages_.pruneDeadLetters(retention_.dead_letters),
                               messages_.dropDeferredBefore(now - kDeferredLifetimeMs));
    });
    database_.releaseFreePages();
    if (deferred > 0)
        log().warning("%s: gave up on %s message(s) that waited more than %s hours for what they depend on",
                      account_, std::to_string(deferred), std::to_string(kDeferredLifetimeMs / 3600000));
    if (tombstones + results + letters > 0)
        log().information("%s: pruned %s tombstone(s), %s sync report(s), %s dead letter(s)", account_,
                          std::to_string(tombstones), std::to_string(results), std::to_string(letters));
}

void EngineBase::expireSyncs() {
    runCommand([&] {
        fanout_.expire(nowMs());
        for (auto& note : fanout_.progressDue(nowMs())) {
            SyncProgress progress{note.sync_id, std::move(note.still.nodes), note.still.more};
            send(MessageType::synchronize_progress, note.reply_to, progress.toBody());
        }
    });
}

bool EngineBase::receive(const sdk::PeerIdentity& from, const std::string& payload) {
    const auto outcome = process(from, payload, Delivery::fresh);
    if (outcome == Outcome::done) retryDeferred();
    return outcome != Outcome::failed && outcome != Outcome::busy;
}

EngineBase::Outcome EngineBase::process(const sdk::PeerIdentity& peer, const std::string& payload, Delivery delivery,
                                        HandleResult* deferral) {
    const std::string& sender = peer.account;
    Message message;
    try {
        message = decode(payload, EntriesIn::apart);
    } catch (const ProtocolError& e) {
        metrics_.refused(metrics::NodeMetrics::Refusal::malformed);
        warnAbout(sender, "dropped a message from " + logValue(sender) + ": " + logValue(e.what()));
        return Outcome::done;
    }
    // Ids are "<from>#<epoch>.<n>": a node can only use up its own ids, never block another's.
    const auto id = parseMessageId(message.id, sender);
    if (message.from != sender || message.to != account_ || !id) {
        metrics_.refused(metrics::NodeMetrics::Refusal::misaddressed);
        warnAbout(sender, "dropped " + std::string(wireName(message.type)) + " " + logValue(message.id) +
                              ": it claims to be from " + logValue(message.from) + " to " + logValue(message.to) +
                              " but came from " + logValue(sender) + " (ids must be '<from>#<epoch>.<n>')");
        return Outcome::done;
    }
    // A terminal talks only to the relay its credentials name, whatever the message says.
    if (peer.role == sdk::PeerRole::terminal && peer.home_relay != account_) {
        metrics_.refused(metrics::NodeMetrics::Refusal::foreign_terminal);
        warnAbout(sender, "dropped " + std::string(wireName(message.type)) + " " + logValue(message.id) + " from " +
                              logValue(sender) + ": it is a terminal of " + logValue(peer.home_relay) +
                              ", not of this node");
        return Outcome::done;
    }
    message.from_role = peer.role;
    if (delivery == Delivery::fresh) {
        auto& count = traffic_[wireName(message.type)];
        ++count.received;
        count.received_bytes += static_cast<std::int64_t>(payload.size());
        metrics_.received(wireName(message.type));
    }
    try {
        HandleResult result;
        {
            Transaction transaction(database_);
            // A deferred message was counted when it came; its retry is not a duplicate.
            if (delivery == Delivery::fresh && messages_.seen(sender, *id)) {
                metrics_.duplicate();
                return Outcome::done;
            }
            try {
                result = handle(message);
            } catch (const ProtocolError& e) {
                result = HandleResult::refused(e.what());
            }
            if (result.kind == HandleResult::Kind::applied) {
                messages_.markSeen(sender, *id, nowMs());
                messages_.removeDelivered();  // what the senders delivered since: one commit for both
                transaction.commit();
                messages_.deliveredRemoved();
                return Outcome::done;
            }
        }  // deferred or refused: whatever the handler wrote is rolled back here
        Transaction transaction(database_);
        if (result.kind == HandleResult::Kind::deferred) {
            if (deferral) *deferral = result;
            if (delivery == Delivery::fresh) {
                if (const auto refusal = deferralRefusal(sender, payload.size()); !refusal.empty()) {
                    // Not taken, so not acknowledged: the sender keeps it and tries again later,
                    // when what its earlier messages wait for may have come. Never taken and lost.
                    warnAbout(sender, "did not take " + std::string(wireName(message.type)) + " " +
                                          logValue(message.id) + " from " + logValue(sender) + ": " +
                                          logValue(result.reason) + ", and " + refusal + "; the sender keeps it");
                    metrics_.refused(metrics::NodeMetrics::Refusal::busy);
                    return Outcome::busy;
                }
                messages_.defer(peer, payload, result.reason, result.waits_for, nowMs());
                deferred_may_wait_ = true;
                metrics_.deferred();
                messages_.markSeen(sender, *id, nowMs());
                logger_.information("%s: deferred %s %s from %s: %s", account_, std::string(wireName(message.type)),
                                    logValue(message.id), logValue(sender), logValue(result.reason));
            }
            transaction.commit();
            return Outcome::waiting;
        }
        messages_.markSeen(sender, *id, nowMs());
        // Replies and progress notes are not answered: nobody waits on them.
        if (message.type != MessageType::answer && message.type != MessageType::synchronize_result &&
            message.type != MessageType::synchronize_progress)
            answer(message, false, result.reason);
        transaction.commit();
        metrics_.refused(metrics::NodeMetrics::Refusal::rejected);
        warnAbout(sender, "refused " + std::string(wireName(message.type)) + " " + logValue(message.id) + " from " +
                              logValue(sender) + ": " + logValue(result.reason));
        return Outcome::done;
    } catch (const std::exception& e) {
        // A storage failure: nothing was committed; the transport does not acknowledge, so the
        // sender tries again.
        metrics_.error(metrics::NodeMetrics::Error::receive);
        logger_.error("%s: could not handle %s %s from %s: %s", account_, std::string(wireName(message.type)),
                      logValue(message.id), logValue(sender), logValue(e.what()));
        return Outcome::failed;
    }
}

void EngineBase::warnAbout(const std::string& sender, const std::string& text) {
    std::size_t left_out = 0;
    const bool allowed = warnings_.allow(sender, nowMs(), left_out);
    if (left_out > 0)
        logger_.warning("%s: left out %s more warning(s) about %s in the last minute", account_,
                        std::to_string(left_out), logValue(sender));
    if (allowed) logger_.warning("%s: %s", account_, text);
}

std::string EngineBase::deferralRefusal(const std::string& sender, std::size_t payload_bytes) {
    const auto& limits = deferral_limits_;
    const auto own = messages_.deferredLoad(sender);
    if (own.messages + 1 > limits.messages_per_sender)
        return sender + " already has " + std::to_string(own.messages) + " messages waiting (limit " +
               std::to_string(limits.messages_per_sender) + ")";
    if (own.bytes + payload_bytes > limits.bytes_per_sender)
        return sender + "'s waiting messages would take " + std::to_string(own.bytes + payload_bytes) +
               " bytes (limit " + std::to_string(limits.bytes_per_sender) + ")";
    const auto all = messages_.deferredLoad();
    if (all.messages + 1 > limits.messages || all.bytes + payload_bytes > limits.bytes)
        return "all waiting messages would be " + std::to_string(all.messages + 1) + " taking " +
               std::to_string(all.bytes + payload_bytes) + " bytes (limits " + std::to_string(limits.messages) +
               " and " + std::to_string(limits.bytes) + ")";
    return {};
}

// Only messages whose dependency is met are parsed and handled again: the cost of a change is a
// lookup per distinct missing dependency, whatever waits.
void EngineBase::retryDeferred() {
    if (!deferred_may_wait_) return;
    for (bool progress = true; progress;) {
        progress = false;
        const auto dependencies = messages_.deferredDependencies();
        if (dependencies.empty()) {
            deferred_may_wait_ = false;
            return;
        }
        for (const auto& key : dependencies) {
            if (!dependency::met(key, groups_, shares_)) continue;
            for (const auto& waiting : messages_.deferredWaitingFor(key)) {
                HandleResult again;
                const auto outcome = process(waiting.sender, waiting.payload, Delivery::retry, &again);
                if (outcome == Outcome::done) {
                    messages_.removeDeferred(waiting.seq);
                    progress = true;
                } else if (outcome == Outcome::waiting && again.waits_for != key) {
                    messages_.rewaitDeferred(waiting.seq, again.waits_for, again.reason);
                    progress = progress || dependency::met(again.waits_for, groups_, shares_);
                } else {
                    messages_.countDeferredAttempt(waiting.seq);
                }
            }
        }
    }
}

void EngineBase::send(MessageType type, const std::string& to, Poco::JSON::Object::Ptr body) {
    send(type, to, std::string_view(stringifyBody(*body)));
}

void EngineBase::send(MessageType type, const std::string& to, std::string_view body_json) {
    Message message;
    message.type = type;
    message.id = nextMessageId();
    message.from = account_;
    message.to = to;
    const std::string encoded = encode(message, body_json);
    messages_.enqueue(to, encoded);
    auto& count = traffic_[wireName(type)];
    ++count.sent;
    count.sent_bytes += static_cast<std::int64_t>(encoded.size());
    metrics_.sent(wireName(type));
}

std::string EngineBase::nextMessageId() {
    return formatMessageId(account_, database_.epoch(), database_.nextCounter("message"));
}

std::string EngineBase::resendDeadLetter(std::int64_t seq) {
    const auto message = runCommand([&] {
        const auto letter = messages_.deadLetter(seq);
        if (!letter) throw CommandError("no dead letter " + std::to_string(seq) + " (see dead-letters)");
        return requeue(*letter);
    });
    resent(seq, message);
    return message.id;
}

std::size_t EngineBase::resendAllDeadLetters() {
    const auto requeued = runCommand([&] {
        std::vector<std::pair<std::int64_t, Message>> done;
        for (const auto& letter : messages_.deadLetters()) done.emplace_back(letter.seq, requeue(letter));
        return done;
    });
    for (const auto& [seq, message] : requeued) resent(seq, message);
    return requeued.size();
}

Message EngineBase::requeue(const MessageStore::DeadLetter& letter) {
    Message message;
    try {
        message = decode(letter.payload);
        message.id = nextMessageId();
        // Behind whatever was queued for the peer since: it goes as a message sent now.
        messages_.enqueue(letter.destination, encode(message));
    } catch (const ProtocolError& e) {
        const auto seq = std::to_string(letter.seq);
        throw CommandError("dead letter " + seq + " cannot be resent: " + e.what() + " (drop it with purge-dead-letters " +
                           seq + ")");
    }
    messages_.removeDeadLetter(letter.seq);
    return message;
}

void EngineBase::resent(std::int64_t seq, const Message& message) {
    auto& count = traffic_[wireName(message.type)];
    ++count.sent;
    count.sent_bytes += static_cast<std::int64_t>(encode(message).size());
    metrics_.sent(wireName(message.type));
    logger_.information("%s: dead letter %s (%s for %s) is back in the outbox as %s", account_, std::to_string(seq),
                        std::string(wireName(message.type)), message.to, message.id);
}

void EngineBase::answer(const Message& request, bool ok, const std::string& reason) {
    sendAnswer(request.from, request.id, request.type, ok, reason);
}

void EngineBase::sendAnswer(const std::string& to, const std::string& re, MessageType re_type, bool ok,
                            const std::string& reason) {
    // A peer that keeps sending what is refused and never takes the refusals must not grow the
    // outbox (and the database) without end: past a bound, its refusals are only logged.
    if (!ok && messages_.outboxCount(to) >= kMaxQueuedRefusals) {
        warnAbout(to, "did not queue the refusal of " + std::string(wireName(re_type)) + " " + logValue(re) + " for " +
                          logValue(to) + ": " + std::to_string(kMaxQueuedRefusals) +
                          " messages already wait for it (" + reason + ")");
        return;
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("re", re);
    body->set("re_type", std::string(wireName(re_type)));
    body->set("ok", ok);
    body->set("reason", reason);
    send(MessageType::answer, to, body);
}

// A node known to be down or not yet connected is reported as unreachable, and its messages
// wait in the outbox until it is back. One the transport can only learn about by trying (SIP:
// `unknown`) is sent to and waited for, within the sync's deadline.
bool EngineBase::reachable(const std::string& account) const {
    return !reachability_ || reachability_(account) != sdk::Reachability::unreachable;
}

}  // namespace relaysync::core
