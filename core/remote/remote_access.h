#pragma once
// Remote access at one node (docs/protocol.md §4.7): the ephemeral lane beside the engine.
// Node::onMessage hands it every payload that starts with the remote-access line, before the
// engine's de-duplication, outbox or database transaction: these messages are never stored. It
//   - at a relay, checks each one against the trust rules (remote_route.h) and forwards it,
//     keeping only the audit counters of each transfer;
//   - at the owner terminal, hands requests to the OwnerService;
//   - at the asking terminal, hands replies to AskerTransfers.
// Everything it sends goes through its own RemoteSender, not the outbox.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "engine/engine_base.h"
#include "engine/store_router.h"
#include "remote/access_log.h"
#include "remote/asker_transfers.h"
#include "remote/owner_service.h"
#include "remote/remote_policy.h"
#include "remote/remote_route.h"
#include "remote/remote_sender.h"

namespace relaysync::core {

struct RemoteAccessSettings {
    RemoteAccessPolicy policy;        // the owner's (profile `remote_access`)
    std::size_t max_payload_bytes = 4 * 1024 * 1024;  // profile limits.max_payload_bytes
    std::size_t chunk_bytes = 1024 * 1024;            // at most; less when a limit is lower
    std::size_t window = 4;                           // chunks outstanding per fetch
    std::size_t max_queued_bytes = 64 * 1024 * 1024;  // in the sender, over all transfers
    std::chrono::milliseconds store_timeout{120000};
};

class RemoteAccess {
public:
    // Runs `read` under the node's lock, with its engine (to read the database only).
    using ReadEngine = std::function<void(const std::function<void(EngineBase&)>& read)>;

    // `stores` for a terminal, nullptr for a relay; `own_relay` for a terminal.
    RemoteAccess(std::string account, std::string own_relay, sdk::Transport& transport, const StoreRouter* stores,
                 ReadEngine read_engine, const RemoteAccessSettings& settings);
    ~RemoteAccess();

    // A remote-access payload from the transport. Always taken (ok): it is never stored, and
    // what cannot be handled is answered with a remote-error or dropped and logged.
    sdk::Status onPayload(const sdk::PeerIdentity& from, const std::string& payload);
    // The transport lost `account`: transfers that went that way end `offline`.
    void peerLost(const std::string& account);

    // Every second or so: closes the records of transfers that went quiet, and the fetches
    // whose client went away.
    void tick() {
        log_.closeIdle();
        if (asker_) asker_->closeIdle();
    }

    AskerTransfers& asker() { return *asker_; }  // terminals
    AccessLog& accessLog() { return log_; }
    const RemoteSender& sender() const { return sender_; }
    void stop();

private:
    bool isRelay() const { return own_relay_.empty(); }
    void atRelay(const RemotePeer& from, RemoteMessage message);
    void atTerminal(const RemotePeer& from, RemoteMessage message);
    // Sends `message` to `to` from this node; `failed` when it could not be handed over.
    void send(const std::string& to, RemoteMessage message, RemoteSender::Failed failed = {});

    const std::string account_, own_relay_;
    ReadEngine read_engine_;
    AccessLog log_;
    RemoteSender sender_;
    std::unique_ptr<OwnerService> owner_;    // terminals
    std::unique_ptr<AskerTransfers> asker_;  // terminals
};

}  // namespace relaysync::core
