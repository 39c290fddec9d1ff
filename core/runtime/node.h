#pragma once
// One relay or terminal put together: its database, engine, plugins and transport, with the
// outbox flushed after everything that may have queued a message. Transport threads and
// command callers are serialised here, so the engine itself is single-threaded.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/peer_log.h"
#include "engine/relay_engine.h"
#include "engine/terminal_engine.h"
#include "persistence/database.h"
#include "remote/remote_access.h"
#include "runtime/outbox_dispatcher.h"

namespace relaysync::core {

class Node final : public sdk::TransportListener {
public:
    // What a node owns besides its engine: kept alive as long as the engine uses them.
    struct Parts {
        std::unique_ptr<Database> database;
        std::shared_ptr<sdk::Transport> transport;
        std::unique_ptr<StoreRouter> stores;            // terminals only
        std::shared_ptr<sdk::EntityChecker> checker;    // terminals only
    };

    static std::unique_ptr<Node> relay(Parts parts, const std::string& account, const std::string& display_name,
                                       RelayPolicy policy = {});
    static std::unique_ptr<Node> terminal(Parts parts, const std::string& account, const std::string& relay,
                                          CheckPolicy policy, std::function<std::string()> timestamp = {});
    ~Node() override;

    const std::string& account() const { return engine_->account(); }
    // The node's counters (docs/metrics.md); thread-safe, no lock taken.
    metrics::NodeMetrics& metrics() { return engine_->metrics(); }
    bool isRelay() const { return relay_ != nullptr; }

    // How the outbox reaches the transport.
    enum class Dispatch {
        inline_flush,  // right after each action, on the caller's thread (in-process network)
        background,    // on a thread of the node's own, sending without the node's lock, so a
                       // transport may block until the peer acknowledges (real networks)
    };
    // Retry interval of the background dispatcher for peers that were unreachable.
    static constexpr std::chrono::milliseconds kRetryInterval{1000};
    // How long a sender whose destination has nothing more waits for new messages before its
    // thread ends.
    static constexpr std::chrono::milliseconds kSenderLinger{2000};
    // How often the background dispatcher closes synchronizes whose deadline passed: often
    // enough that a hop answers well within the margin its asker leaves it (2 s at least).
    static constexpr std::chrono::seconds kExpiryInterval{1};
    // How often it drops what the retention no longer keeps (EngineBase::prune).
    static constexpr std::chrono::minutes kPruneInterval{10};

    // How remote access behaves here (docs/protocol.md §4.7); before start().
    void setRemoteAccess(const RemoteAccessSettings& settings) { remote_settings_ = settings; }
    // Remote access (browse, fetch, the access log); nullptr before start().
    RemoteAccess* remoteAccess() { return remote_.get(); }

    // Starts the transport (throws std::runtime_error with its reason) and sends what waits.
    void start(Dispatch dispatch = Dispatch::inline_flush);
    void stop();

    // Runs `action` on the engine under the node's lock, then flushes the outbox.
    template <class Action>
    auto withRelay(Action&& action) { return locked([&] { return action(requireRelay()); }); }
    template <class Action>
    auto withTerminal(Action&& action) { return locked([&] { return action(requireTerminal()); }); }
    template <class Action>
    auto withEngine(Action&& action) { return locked([&] { return action(*engine_); }); }

    // CheckResource and a terminal's synchronize, with the disk read without the node's lock
    // (TerminalEngine::prepareCheck): other commands and messages go on meanwhile. Checks run
    // one at a time. CommandError at a relay.
    SyncReport checkResources(const std::string& share_id, const std::vector<std::string>& names = {});
    // At a relay, RelayEngine::synchronize.
    std::string synchronize(const std::string& share_id, const std::vector<std::string>& names = {});
    // TerminalEngine::addResources with the entities' details read without the node's lock
    // (TerminalEngine::prepareAdd), one at a time with checks. CommandError at a relay.
    void addResources(const std::string& share_id,
                      const std::vector<std::pair<std::string, std::string>>& named_locations,
                      TerminalEngine::Existing existing = TerminalEngine::Existing::refuse);
    // The children of the folder at `folder_location` (TerminalEngine::childrenOf), listed
    // without the lock, added as addResources does; how many.
    std::size_t addChildren(const std::string& share_id, const std::string& folder_location,
                            TerminalEngine::Existing existing = TerminalEngine::Existing::refuse);

    sdk::Status onMessage(const sdk::PeerIdentity& from, const std::string& payload) override;
    void onReachabilityChanged(const std::string& account, bool reachable) override;

    // What this node has seen of each peer (peers command).
    const PeerLog& peerLog() const { return peer_log_; }
    // What the transport says of `account` now.
    sdk::Reachability reachabilityOf(const std::string& account) const { return parts_.transport->reachability(account); }

private:
    explicit Node(Parts parts);
    RelayEngine& requireRelay();
    TerminalEngine& requireTerminal();
    // After a change under mutex_: hands what it queued to the senders (or the dispatcher), and
    // a new pending check to the checker; `look_anyway` wakes the dispatcher even when nothing was
    // queued (start, a peer back).
    void flushLocked(bool look_anyway = false);

    template <class Action>
    auto locked(Action&& action) {
        std::lock_guard lock(mutex_);
        if constexpr (std::is_void_v<decltype(action())>) {
            action();
            flushLocked();
        } else {
            auto result = action();
            flushLocked();
            return result;
        }
    }

    void dispatchLoop();
    // Does the synchronize instructions a terminal took (TerminalEngine::nextPendingCheck), on
    // the caller's thread (inline dispatch) or the checker thread (background).
    void requestChecks();
    void runPendingChecks();
    void checkLoop();
    // Starts a sender for each destination with waiting messages and none running yet (every
    // destination in the outbox, or only those written to since the last time), and hands new
    // messages to the senders that run.
    void startSenders(bool look_at_all);
    // On a sender's thread: true when more messages came for `destination` within
    // kSenderLinger, false when none did or the node stops.
    bool awaitMore(const std::string& destination);
    // True when a sender ended or a peer came back: the whole outbox is to be looked at.
    bool joinFinishedSenders();
    // Under mutex_ and wake_mutex_: when every destination written to since the dispatcher last
    // looked has a live sender, marks them in more_ and returns true.
    bool handToLiveSenders();

    PeerLog peer_log_;
    RemoteAccessSettings remote_settings_;
    // The ephemeral lane: made before the transport starts, stopped after it.
    std::unique_ptr<RemoteAccess> remote_;
    std::mutex mutex_;
    // Taken before mutex_, never after: one check at a time (plugins need not be re-entrant).
    std::mutex check_mutex_;
    Parts parts_;
    std::unique_ptr<EngineBase> engine_;
    RelayEngine* relay_ = nullptr;
    TerminalEngine* terminal_ = nullptr;
    std::unique_ptr<OutboxDispatcher> dispatcher_;
    bool started_ = false;
    Dispatch dispatch_ = Dispatch::inline_flush;

    std::thread dispatcher_thread_;
    std::thread checker_thread_;  // terminals, background dispatch
    std::condition_variable check_wake_;
    bool checks_requested_ = false;  // guarded by wake_mutex_
    std::atomic<bool> checks_failed_{false};  // the last run of pending checks ended in an error
    std::uint64_t checks_seen_ = 0;           // SyncStore::pendingChecksAdded at the last flush (mutex_)
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool wake_requested_ = false;
    bool stopping_ = false;
    // One sender thread per destination with messages in flight: a peer that is slow to
    // acknowledge holds up its own messages only. Touched by the dispatcher thread only
    // (and by stop() once that has ended); finished_ is guarded by wake_mutex_.
    std::map<std::string, std::thread> senders_;
    std::map<std::string, bool> finished_;  // destination -> everything went
    std::set<std::string> more_;             // destinations whose lingering sender has new work
    // Senders that will still look at more_ before they end (wake_mutex_): flushLocked hands
    // them new messages itself, without waking the dispatcher thread (a context switch per hop).
    std::set<std::string> live_senders_;
    std::condition_variable senders_wake_;   // with wake_mutex_: more_ or stopping_ changed
    // Destinations found unreachable are tried again after kRetryInterval, or as soon as the
    // transport says they are back (back_, guarded by wake_mutex_).
    std::map<std::string, std::chrono::steady_clock::time_point> retry_at_;
    std::set<std::string> back_;
};

}  // namespace relaysync::core
