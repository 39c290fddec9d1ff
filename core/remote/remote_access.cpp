#include "remote/remote_access.h"

#include <algorithm>
#include <optional>

#include <Poco/Logger.h>

#include "model/text_cell.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("relaysync.remote"); }

// Room a header takes at most beside the chunk, within the transport's largest payload: 64 KiB,
// or a quarter of a small transport's payload (SIP's MESSAGE bodies are under 60 KB), so that
// header and chunk always fit in one payload.
constexpr std::size_t kHeaderRoom = 64 * 1024;

std::size_t chunkBytes(const sdk::Transport& transport, const RemoteAccessSettings& settings) {
    const auto payload = transport.maxPayloadBytes();
    const auto header_room = std::min(kHeaderRoom, payload / 4);
    const auto transport_room = payload - header_room;
    return std::max<std::size_t>(
        1024, std::min({settings.chunk_bytes, settings.max_payload_bytes, transport_room, kMaxRemoteChunkBytes}));
}

}  // namespace

RemoteAccess::RemoteAccess(std::string account, std::string own_relay, sdk::Transport& transport,
                           const StoreRouter* stores, ReadEngine read_engine, const RemoteAccessSettings& settings)
    : account_(std::move(account)),
      own_relay_(std::move(own_relay)),
      read_engine_(std::move(read_engine)),
      log_(account_),
      sender_(transport, settings.max_queued_bytes) {
    if (isRelay()) return;
    const auto chunk = chunkBytes(transport, settings);
    asker_ = std::make_unique<AskerTransfers>(
        account_, chunk, settings.window, [this](RemoteMessage request, std::function<void(const std::string&)> failed) {
            send(own_relay_, std::move(request), std::move(failed));
        });
    owner_ = std::make_unique<OwnerService>(
        account_, *stores, settings.policy, chunk, settings.store_timeout,
        [this](const RemoteMessage& request) {
            OwnerFacts facts;
            read_engine_([&](EngineBase& engine) { facts = ownerFacts(engine, request); });
            return facts;
        },
        [this](RemoteMessage reply) {
            // A reply the transport refuses (a relay that went away, or one too large for it)
            // becomes a small error, so that the asker hears it now rather than at its timeout.
            auto error = reply.type == RemoteType::remote_error ? std::optional<RemoteMessage>{}
                                                                : std::optional(remoteError(reply, RemoteErrorCode::offline, {}));
            send(own_relay_, std::move(reply), [this, error](const std::string& reason) mutable {
                if (!error) return;
                error->reason = "the answer could not be sent from " + account_ + ": " + reason;
                send(own_relay_, std::move(*error));
            });
        },
        log_);
}

RemoteAccess::~RemoteAccess() { stop(); }

void RemoteAccess::stop() {
    if (owner_) owner_->stop();
    sender_.stop();
    if (asker_) asker_->failAll(account_ + " is stopping");
}

void RemoteAccess::send(const std::string& to, RemoteMessage message, RemoteSender::Failed failed) {
    message.from = account_;
    message.to = to;
    std::string payload;
    try {
        payload = encodeRemote(message);
    } catch (const ProtocolError& e) {
        logger().error("%s: cannot encode %s %s: %s", account_, std::string(wireName(message.type)), message.transfer,
                       std::string(e.what()));
        if (failed) failed(e.what());
        return;
    }
    sender_.send(to, std::move(payload), std::move(failed));
}

sdk::Status RemoteAccess::onPayload(const sdk::PeerIdentity& identity, const std::string& payload) {
    RemoteMessage message;
    try {
        message = decodeRemote(payload);
    } catch (const ProtocolError& e) {
        logger().warning("%s: dropped a remote-access message from %s: %s", account_, identity.account,
                         logValue(e.what()));
        return sdk::Status::ok();
    }
    // The same authentication as every message (docs/protocol.md §2 step 2).
    if (message.from != identity.account || message.to != account_) {
        logger().warning("%s: dropped %s %s from %s: it claims to be from %s to %s", account_,
                         std::string(wireName(message.type)), message.transfer, identity.account,
                         logValue(message.from), logValue(message.to));
        return sdk::Status::ok();
    }
    logger().debug("%s: %s %s at %s from %s", account_, std::string(wireName(message.type)), message.transfer,
                   std::to_string(message.offset), identity.account);
    const RemotePeer from{identity.account, identity.role, identity.home_relay};
    if (isRelay()) atRelay(from, std::move(message));
    else atTerminal(from, std::move(message));
    return sdk::Status::ok();
}

void RemoteAccess::atRelay(const RemotePeer& from, RemoteMessage m) {
    RemoteHop hop;
    read_engine_([&](EngineBase& engine) { hop = relayHop(engine, from, m); });
    const bool request = isRemoteRequest(m.type);
    if (hop.refusal) {
        logger().warning("%s: refused %s %s from %s (asker %s, owner %s): %s", account_,
                         std::string(wireName(m.type)), m.transfer, from.account, m.asker, m.owner,
                         logValue(hop.reason));
        if (!request) return;  // a reply that may not pass is dropped
        log_.seen(accessRecordOf(m), 0);
        log_.ended(m.transfer, std::string(wireName(*hop.refusal)) + ": " + hop.reason);
        send(from.account, remoteError(m, *hop.refusal, hop.reason));
        return;
    }
    if (request) {
        auto record = accessRecordOf(m);
        record.toward_owner = hop.next;
        record.toward_asker = from.account;
        log_.seen(record, 0);
        // Not handed over (the next hop is down): the asker hears it at once.
        const auto back = from.account;
        auto error = remoteError(m, RemoteErrorCode::offline, {});
        send(hop.next, std::move(m), [this, back, error, next = hop.next](const std::string& reason) mutable {
            error.reason = next + " cannot be reached from " + account_ + ": " + reason;
            log_.ended(error.transfer, "offline: " + error.reason);
            send(back, std::move(error));
        });
        return;
    }
    const bool ends = m.type != RemoteType::fetch_data || m.last;
    AccessRecord route;
    if (log_.open(m.transfer, route)) log_.seen(route, m.data.size());
    if (ends) {
        log_.ended(m.transfer, m.type == RemoteType::remote_error
                                   ? std::string(wireName(m.code)) + ": " + m.reason
                                   : std::string("ok"));
    }
    const auto transfer = m.transfer;
    send(hop.next, std::move(m), [this, transfer](const std::string& reason) {
        logger().information("%s: a reply of %s could not be passed on: %s", account_, transfer, reason);
    });
}

void RemoteAccess::atTerminal(const RemotePeer& from, RemoteMessage m) {
    // A terminal hears only its own relay (docs/protocol.md §2a).
    if (from.account != own_relay_ || from.role == sdk::PeerRole::terminal) {
        logger().warning("%s: dropped %s %s from %s: a terminal takes messages from its own relay only", account_,
                         std::string(wireName(m.type)), m.transfer, from.account);
        return;
    }
    if (isRemoteRequest(m.type)) {
        if (m.owner != account_) {
            send(own_relay_, remoteError(m, RemoteErrorCode::invalid, m.owner + " is not " + account_));
            return;
        }
        owner_->take(std::move(m));
        return;
    }
    if (m.asker != account_) return;
    asker_->onReply(std::move(m));
}

void RemoteAccess::peerLost(const std::string& account) {
    if (!isRelay()) {
        if (account == own_relay_) asker_->failAll("lost the connection with " + account);
        return;
    }
    for (const auto& record : log_.openToward(account)) {
        RemoteMessage request;
        request.transfer = record.transfer;
        request.asker = record.asker;
        request.owner = record.owner;
        request.share_id = record.share_id;
        const auto reason = "lost the connection with " + account + " at " + account_;
        log_.ended(record.transfer, "offline: " + reason);
        send(record.toward_asker, remoteError(request, RemoteErrorCode::offline, reason));
    }
}

}  // namespace relaysync::core
