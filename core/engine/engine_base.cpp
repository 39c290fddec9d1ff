#include "engine/engine_base.h"

#include <chrono>

#include "engine/sync_messages.h"
#include "protocol/bodies.h"
#include "protocol/codec.h"
#include "protocol/json_fields.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

std::int64_t EngineBase::nowMs() {
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
      fanout_(syncs_,
              [this](const std::string& to, const SyncReport& report) {
                  if (to.empty())
                      log().information("%s: synchronize %s finished: %s", account_, report.sync_id, report.summary());
                  else
                      send(MessageType::synchronize_result, to, reportBody(report));
              }),
      logger_(Poco::Logger::get("relaysync.engine")) {}

HandleResult EngineBase::handleReply(const Message& message) {
    if (message.type == MessageType::synchronize_result) {
        fanout_.onReport(message.from, reportFromJson(json::requireObject(message.body, "report", "body"), "body.report"));
    } else if (!message.body->optValue<bool>("ok", false)) {
        logger_.warning("%s: %s refused %s %s: %s", account_, message.from, json::optionalString(message.body, "re_type"),
                        json::optionalString(message.body, "re"), json::optionalString(message.body, "reason"));
    }
    return HandleResult::applied();
}

void EngineBase::expireSyncs() {
    runCommand([&] { fanout_.expire(nowMs(), kSyncAnswerTimeoutMs); });
}

bool EngineBase::receive(const std::string& authenticated_from, const std::string& payload) {
    const auto outcome = process(authenticated_from, payload, Delivery::fresh);
    if (outcome == Outcome::done) retryDeferred();
    return outcome != Outcome::failed;
}

EngineBase::Outcome EngineBase::process(const std::string& sender, const std::string& payload, Delivery delivery) {
    Message message;
    try {
        message = decode(payload);
    } catch (const ProtocolError& e) {
        logger_.warning("%s: dropped a message from %s: %s", account_, sender, std::string(e.what()));
        return Outcome::done;
    }
    // Ids are "<from>#<n>": a node can only use up its own ids, never block another's.
    if (message.from != sender || message.to != account_ || message.id.rfind(sender + "#", 0) != 0) {
        logger_.warning("%s: dropped %s %s: it claims to be from %s to %s but came from %s (ids must be '<from>#n')", account_,
                        std::string(wireName(message.type)), message.id, message.from, message.to, sender);
        return Outcome::done;
    }
    if (delivery == Delivery::fresh) ++traffic_[wireName(message.type)].received;
    try {
        HandleResult result;
        {
            Transaction transaction(database_);
            if (messages_.seen(message.id)) return Outcome::done;
            try {
                result = handle(message);
            } catch (const ProtocolError& e) {
                result = HandleResult::refused(e.what());
            }
            if (result.kind == HandleResult::Kind::applied) {
                messages_.markSeen(message.id);
                transaction.commit();
                return Outcome::done;
            }
        }  // deferred or refused: whatever the handler wrote is rolled back here
        Transaction transaction(database_);
        if (result.kind == HandleResult::Kind::deferred) {
            if (delivery == Delivery::fresh && messages_.deferredCount(sender) >= kMaxDeferredPerSender) {
                logger_.warning("%s: dropped %s %s from %s: %s, and %s already has %s messages waiting", account_,
                                std::string(wireName(message.type)), message.id, sender, result.reason, sender,
                                std::to_string(kMaxDeferredPerSender));
                transaction.commit();
                return Outcome::done;
            }
            if (delivery == Delivery::fresh) {
                messages_.defer(sender, payload, result.reason, nowMs());
                logger_.information("%s: deferred %s %s from %s: %s", account_, std::string(wireName(message.type)),
                                    message.id, sender, result.reason);
            }
            transaction.commit();
            return Outcome::waiting;
        }
        messages_.markSeen(message.id);
        if (message.type != MessageType::answer && message.type != MessageType::synchronize_result)
            answer(message, false, result.reason);
        transaction.commit();
        logger_.warning("%s: refused %s %s from %s: %s", account_, std::string(wireName(message.type)), message.id,
                        sender, result.reason);
        return Outcome::done;
    } catch (const std::exception& e) {
        // A storage failure: nothing was committed; the transport does not acknowledge, so the
        // sender tries again.
        logger_.error("%s: could not handle %s %s from %s: %s", account_, std::string(wireName(message.type)),
                      message.id, sender, std::string(e.what()));
        return Outcome::failed;
    }
}

void EngineBase::retryDeferred() {
    for (bool progress = true; progress;) {
        progress = false;
        for (const auto& waiting : messages_.deferred()) {
            if (nowMs() - waiting.deferred_at_ms > kDeferredLifetimeMs) {
                logger_.warning("%s: gave up on a message from %s deferred since %s ms ago: %s", account_,
                                waiting.sender, std::to_string(nowMs() - waiting.deferred_at_ms), waiting.reason);
                messages_.removeDeferred(waiting.seq);
                continue;
            }
            if (process(waiting.sender, waiting.payload, Delivery::retry) == Outcome::done) {
                messages_.removeDeferred(waiting.seq);
                progress = true;
            } else {
                messages_.countDeferredAttempt(waiting.seq);
            }
        }
    }
}

void EngineBase::send(MessageType type, const std::string& to, Poco::JSON::Object::Ptr body) {
    Message message;
    message.type = type;
    message.id = nextMessageId();
    message.from = account_;
    message.to = to;
    message.body = std::move(body);
    messages_.enqueue(to, encode(message));
    ++traffic_[wireName(type)].sent;
}

std::string EngineBase::nextMessageId() { return account_ + "#" + std::to_string(database_.nextCounter("message")); }

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
    ++traffic_[wireName(message.type)].sent;
    logger_.information("%s: dead letter %s (%s for %s) is back in the outbox as %s", account_, std::to_string(seq),
                        std::string(wireName(message.type)), message.to, message.id);
}

void EngineBase::answer(const Message& request, bool ok, const std::string& reason) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("re", request.id);
    body->set("re_type", std::string(wireName(request.type)));
    body->set("ok", ok);
    body->set("reason", reason);
    send(MessageType::answer, request.from, body);
}

// Only a node known to be reachable is waited for; one that is down or not yet connected is
// reported as unreachable, and its messages wait in the outbox until it is back.
bool EngineBase::reachable(const std::string& account) const {
    return !reachability_ || reachability_(account) == sdk::Reachability::reachable;
}

}  // namespace relaysync::core
