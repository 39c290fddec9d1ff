#pragma once
// One relay or terminal put together: its database, engine, plugins and transport, with the
// outbox flushed after everything that may have queued a message. Transport threads and
// command callers are serialised here, so the engine itself is single-threaded.

#include <memory>
#include <mutex>
#include <string>

#include "engine/relay_engine.h"
#include "engine/terminal_engine.h"
#include "persistence/database.h"
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

    static std::unique_ptr<Node> relay(Parts parts, const std::string& account, const std::string& display_name);
    static std::unique_ptr<Node> terminal(Parts parts, const std::string& account, const std::string& relay,
                                          CheckPolicy policy, std::function<std::string()> timestamp = {});
    ~Node() override;

    const std::string& account() const { return engine_->account(); }
    bool isRelay() const { return relay_ != nullptr; }

    // Starts the transport (throws std::runtime_error with its reason) and sends what waits.
    void start();
    void stop();

    // Runs `action` on the engine under the node's lock, then flushes the outbox.
    template <class Action>
    auto withRelay(Action&& action) { return locked([&] { return action(requireRelay()); }); }
    template <class Action>
    auto withTerminal(Action&& action) { return locked([&] { return action(requireTerminal()); }); }
    template <class Action>
    auto withEngine(Action&& action) { return locked([&] { return action(*engine_); }); }

    void onMessage(const std::string& from, const std::string& payload) override;
    void onReachabilityChanged(const std::string& account, bool reachable) override;

private:
    explicit Node(Parts parts);
    RelayEngine& requireRelay();
    TerminalEngine& requireTerminal();
    void flushLocked();

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

    std::mutex mutex_;
    Parts parts_;
    std::unique_ptr<EngineBase> engine_;
    RelayEngine* relay_ = nullptr;
    TerminalEngine* terminal_ = nullptr;
    std::unique_ptr<OutboxDispatcher> dispatcher_;
    bool started_ = false;
};

}  // namespace relaysync::core
