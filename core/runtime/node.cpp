#include "runtime/node.h"

#include <stdexcept>

namespace relaysync::core {
namespace {

// Looks at the stores for one check and counts it (entities looked at, time taken).
CheckInspection inspectCounted(TerminalEngine& terminal, const CheckSnapshot& snapshot) {
    const auto started = std::chrono::steady_clock::now();
    auto inspection = terminal.inspect(snapshot);
    const std::size_t entities = inspection.size();  // one outcome per record looked at
    terminal.metrics().checkRun(entities, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return inspection;
}

}  // namespace
}  // namespace relaysync::core

namespace relaysync::core {

Node::Node(Parts parts) : parts_(std::move(parts)) {}

Node::~Node() { stop(); }

std::unique_ptr<Node> Node::relay(Parts parts, const std::string& account, const std::string& display_name,
                                  RelayPolicy policy) {
    std::unique_ptr<Node> node(new Node(std::move(parts)));
    auto engine = std::make_unique<RelayEngine>(*node->parts_.database, account, display_name, std::move(policy));
    node->relay_ = engine.get();
    node->engine_ = std::move(engine);
    node->dispatcher_ = std::make_unique<OutboxDispatcher>(node->engine_->messages(), *node->parts_.transport,
                                                           &node->engine_->metrics());
    return node;
}

std::unique_ptr<Node> Node::terminal(Parts parts, const std::string& account, const std::string& relay,
                                     CheckPolicy policy, std::function<std::string()> timestamp) {
    if (!parts.stores || !parts.checker) throw std::invalid_argument("a terminal node needs stores and a checker");
    std::unique_ptr<Node> node(new Node(std::move(parts)));
    auto engine = std::make_unique<TerminalEngine>(*node->parts_.database, account, relay, *node->parts_.stores,
                                                   *node->parts_.checker, policy, std::move(timestamp));
    node->terminal_ = engine.get();
    engine->setChecksOutsideLock(true);
    node->engine_ = std::move(engine);
    node->dispatcher_ = std::make_unique<OutboxDispatcher>(node->engine_->messages(), *node->parts_.transport,
                                                           &node->engine_->metrics());
    return node;
}

void Node::start(Dispatch dispatch) {
    std::unique_lock lock(mutex_);
    if (started_) return;
    dispatch_ = dispatch;
    auto& transport = *parts_.transport;
    engine_->setReachabilityQuery([&transport](const std::string& account) { return transport.reachability(account); });
    remote_ = std::make_unique<RemoteAccess>(
        engine_->account(), terminal_ ? terminal_->relay() : std::string(), transport, parts_.stores.get(),
        [this](const std::function<void(EngineBase&)>& read) {
            std::lock_guard lock(mutex_);
            read(*engine_);
        },
        remote_settings_);
    if (auto status = transport.start(engine_->account(), *this); !status.isOk())
        throw std::runtime_error(engine_->account() + ": transport did not start: " + status.toString());
    started_ = true;
    if (dispatch_ == Dispatch::background) {
        stopping_ = false;
        dispatcher_thread_ = std::thread([this] { dispatchLoop(); });
        if (terminal_) checker_thread_ = std::thread([this] { checkLoop(); });
    }
    flushLocked(true);  // what waits in the outbox from before a restart goes now
    lock.unlock();
    // Instructions taken before a restart and not yet checked.
    if (terminal_ && dispatch_ == Dispatch::inline_flush) requestChecks();
}

void Node::stop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    check_wake_.notify_all();
    senders_wake_.notify_all();
    // Joined without the node's lock: the dispatcher takes it for each database access. A
    // check under way is finished first (its instruction stays pending until it is).
    if (dispatcher_thread_.joinable()) dispatcher_thread_.join();
    if (checker_thread_.joinable()) checker_thread_.join();
    {
        std::lock_guard lock(mutex_);
        if (!started_) return;
        started_ = false;
    }
    // Without the node's lock: a transport thread may be waiting for it in onMessage. Stopping
    // the transport also ends the sends the sender threads are waiting in.
    parts_.transport->stop();
    if (remote_) remote_->stop();
    for (auto& [destination, sender] : senders_) sender.join();
    senders_.clear();
    {
        // What the senders delivered leaves the outbox now rather than being sent again at start.
        std::lock_guard lock(mutex_);
        try {
            engine_->messages().settleDelivered();
        } catch (const std::exception& e) {
            Poco::Logger::get("relaysync.outbox").warning("%s: delivered messages stay queued: %s", account(),
                                                          std::string(e.what()));
        }
    }
    finished_.clear();
}

void Node::startSenders(bool look_at_all) {
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::string> destinations;
    {
        std::lock_guard lock(mutex_);
        auto enqueued = engine_->messages().takeEnqueuedDestinations();
        if (look_at_all) destinations = engine_->messages().outboxDestinations();
        else destinations.assign(enqueued.begin(), enqueued.end());
    }
    for (const auto& destination : destinations) {
        if (senders_.count(destination)) {
            // Running, or waiting for more (a sender lingers): it takes the new messages.
            {
                std::lock_guard lock(wake_mutex_);
                more_.insert(destination);
            }
            senders_wake_.notify_all();
            continue;
        }
        if (auto retry = retry_at_.find(destination); retry != retry_at_.end()) {
            if (retry->second > now) continue;
            retry_at_.erase(retry);
        }
        {
            std::lock_guard lock(wake_mutex_);
            live_senders_.insert(destination);
        }
        senders_[destination] = std::thread([this, destination] {
            bool delivered = false;
            try {
                do {
                    delivered = dispatcher_->flushDestination(destination, &mutex_);
                } while (delivered && awaitMore(destination));
            } catch (const std::exception& e) {
                metrics().error(metrics::NodeMetrics::Error::send);
                Poco::Logger::get("relaysync.outbox").error("%s: sending to %s failed: %s", account(), destination,
                                                            std::string(e.what()));
            }
            {
                std::lock_guard lock(wake_mutex_);
                live_senders_.erase(destination);
                finished_[destination] = delivered;
                wake_requested_ = true;
            }
            wake_.notify_one();
        });
    }
}

// A sender that emptied its destination's queue waits a little for more instead of ending: a
// message at a time (a hop) would otherwise cost a thread started and joined for each.
bool Node::awaitMore(const std::string& destination) {
    std::unique_lock lock(wake_mutex_);
    senders_wake_.wait_for(lock, kSenderLinger, [&] { return stopping_ || more_.count(destination) > 0; });
    const bool more = !stopping_ && more_.count(destination) > 0;
    more_.erase(destination);
    // Decided under the same lock as flushLocked looks: from here on the dispatcher starts the
    // next sender for this destination.
    if (!more) live_senders_.erase(destination);
    return more;
}

bool Node::joinFinishedSenders() {
    std::map<std::string, bool> finished;
    std::set<std::string> back;
    {
        std::lock_guard lock(wake_mutex_);
        finished.swap(finished_);
        back.swap(back_);
        for (const auto& [destination, delivered] : finished) more_.erase(destination);
    }
    for (const auto& [destination, delivered] : finished) {
        senders_.at(destination).join();
        senders_.erase(destination);
        if (!delivered) retry_at_[destination] = std::chrono::steady_clock::now() + kRetryInterval;
    }
    for (const auto& destination : back) retry_at_.erase(destination);
    return !finished.empty() || !back.empty();
}

void Node::dispatchLoop() {
    auto last_expiry = std::chrono::steady_clock::now();
    // Pruned soon after start, then every kPruneInterval.
    auto last_prune = std::chrono::steady_clock::now() - kPruneInterval + kExpiryInterval;
    // The whole outbox is looked at first, every kRetryInterval without a change, and when a
    // sender ended or a peer came back; after a change only where messages were queued.
    bool look_at_all = true;
    auto last_look_at_all = std::chrono::steady_clock::now();
    for (;;) {
        {
            std::unique_lock lock(wake_mutex_);
            wake_.wait_for(lock, kRetryInterval, [this] { return wake_requested_ || stopping_; });
            if (stopping_) return;
            wake_requested_ = false;
        }
        if (std::chrono::steady_clock::now() - last_look_at_all >= kRetryInterval) look_at_all = true;
        try {
            if (std::chrono::steady_clock::now() - last_expiry > kExpiryInterval) {
                last_expiry = std::chrono::steady_clock::now();
                {
                    std::lock_guard lock(mutex_);
                    engine_->expireSyncs();
                }
                remote_->tick();
            }
            if (std::chrono::steady_clock::now() - last_prune > kPruneInterval) {
                last_prune = std::chrono::steady_clock::now();
                std::lock_guard lock(mutex_);
                engine_->prune();
            }
            if (joinFinishedSenders()) look_at_all = true;
            if (look_at_all) last_look_at_all = std::chrono::steady_clock::now();
            startSenders(look_at_all);
            look_at_all = false;
        } catch (const std::exception& e) {
            look_at_all = true;
            metrics().error(metrics::NodeMetrics::Error::dispatch);
            Poco::Logger::get("relaysync.outbox").error("%s: outbox flush failed: %s", account(), std::string(e.what()));
        }
    }
}

sdk::Status Node::onMessage(const sdk::PeerIdentity& from, const std::string& payload) {
    peer_log_.messageFrom(from.account);
    // Remote access never reaches the engine: no de-duplication, no transaction, no outbox.
    if (isRemotePayload(payload)) return remote_ ? remote_->onPayload(from, payload) : sdk::Status::ok();
    const bool taken = locked([&] { return engine_->receive(from, payload); });
    // In the background, flushLocked wakes the checker when a pending check was added; a check
    // that failed is tried again when the next message comes.
    if (terminal_ && (dispatch_ == Dispatch::inline_flush || checks_failed_)) requestChecks();
    return taken ? sdk::Status::ok() : sdk::Status::ioError(account() + " could not store the message");
}

SyncReport Node::checkResources(const std::string& share_id, const std::vector<std::string>& names) {
    std::lock_guard checking(check_mutex_);
    auto snapshot = withTerminal([&](TerminalEngine& t) { return t.prepareCheck("check", share_id, names); });
    const auto inspection = inspectCounted(*terminal_, snapshot);
    return locked([&] {
        auto report = terminal_->finishCheck(snapshot, inspection);
        terminal_->recycle(std::move(snapshot));
        return report;
    });
}

std::string Node::synchronize(const std::string& share_id, const std::vector<std::string>& names) {
    if (relay_) return withRelay([&](RelayEngine& r) { return r.synchronize(share_id, names); });
    std::lock_guard checking(check_mutex_);
    auto snapshot = withTerminal([&](TerminalEngine& t) { return t.prepareCheck("synchronize", share_id, names); });
    const auto inspection = inspectCounted(*terminal_, snapshot);
    return locked([&] {
        auto sync_id = terminal_->finishSynchronize(snapshot, inspection);
        terminal_->recycle(std::move(snapshot));
        return sync_id;
    });
}

void Node::addResources(const std::string& share_id,
                        const std::vector<std::pair<std::string, std::string>>& named_locations,
                        TerminalEngine::Existing existing) {
    std::lock_guard reading(check_mutex_);
    const auto request =
        withTerminal([&](TerminalEngine& t) { return t.prepareAdd(share_id, named_locations, existing); });
    const auto details = terminal_->describeAdded(request);
    locked([&] { terminal_->finishAdd(request, details); });
}

std::size_t Node::addChildren(const std::string& share_id, const std::string& folder_location,
                              TerminalEngine::Existing existing) {
    const auto children = [&] {
        std::lock_guard reading(check_mutex_);
        return requireTerminal().childrenOf(folder_location);
    }();
    addResources(share_id, children, existing);
    return children.size();
}

void Node::requestChecks() {
    if (dispatch_ == Dispatch::inline_flush) {
        try {
            runPendingChecks();
        } catch (const std::exception& e) {
            checks_failed_ = true;
            metrics().error(metrics::NodeMetrics::Error::check);
            Poco::Logger::get("relaysync.check").error("%s: a requested check failed: %s", account(),
                                                       std::string(e.what()));
        }
        return;
    }
    {
        std::lock_guard lock(wake_mutex_);
        checks_requested_ = true;
    }
    check_wake_.notify_one();
}

void Node::runPendingChecks() {
    std::lock_guard checking(check_mutex_);
    for (;;) {
        auto pending = locked([&] { return terminal_->nextPendingCheck(); });
        if (!pending) {
            checks_failed_ = false;
            return;
        }
        const auto inspection = inspectCounted(*terminal_, pending->snapshot);
        locked([&] {
            terminal_->finishPendingCheck(*pending, inspection);
            terminal_->recycle(std::move(pending->snapshot));
        });
    }
}

void Node::checkLoop() {
    // Instructions left from before a restart are done first.
    for (bool first = true;; first = false) {
        if (!first) {
            std::unique_lock lock(wake_mutex_);
            check_wake_.wait(lock, [this] { return checks_requested_ || stopping_; });
            if (stopping_) return;
            checks_requested_ = false;
        }
        try {
            runPendingChecks();
        } catch (const std::exception& e) {
            checks_failed_ = true;
            metrics().error(metrics::NodeMetrics::Error::check);
            Poco::Logger::get("relaysync.check").error("%s: a requested check failed: %s", account(),
                                                       std::string(e.what()));
        }
    }
}

void Node::onReachabilityChanged(const std::string& account, bool reachable) {
    peer_log_.reachabilityChanged(account, reachable);
    metrics().peerReachable(account, reachable);
    if (!reachable) {
        if (remote_) remote_->peerLost(account);
        return;
    }
    {
        std::lock_guard lock(wake_mutex_);
        back_.insert(account);
    }
    std::lock_guard lock(mutex_);
    flushLocked(true);
}

void Node::flushLocked(bool look_anyway) {
    if (!started_) return;
    if (dispatch_ == Dispatch::inline_flush) {
        dispatcher_->flush();
        return;
    }
    // Only what added a pending check (a synchronize instruction, received or retried) gives
    // the checker work: other messages and commands do not wake it.
    bool wake_checker = false;
    if (terminal_) {
        const auto added = engine_->syncs().pendingChecksAdded();
        wake_checker = added != checks_seen_;
        checks_seen_ = added;
    }
    // Only what queued a message gives the senders or the dispatcher work: a message that ends
    // here (at a terminal, most) and a command that queued nothing wake neither. The dispatcher
    // still looks at the whole outbox every kRetryInterval.
    const bool queued = !engine_->messages().enqueuedDestinations().empty();
    bool handed = false;
    bool wake_dispatcher = false;
    {
        std::lock_guard lock(wake_mutex_);
        if (queued) handed = handToLiveSenders();
        wake_dispatcher = look_anyway || (queued && !handed);
        if (wake_dispatcher) wake_requested_ = true;
        if (wake_checker) checks_requested_ = true;
    }
    if (handed) senders_wake_.notify_all();
    if (wake_dispatcher) wake_.notify_one();
    if (wake_checker) check_wake_.notify_one();
}

bool Node::handToLiveSenders() {
    auto& messages = engine_->messages();
    const auto& enqueued = messages.enqueuedDestinations();
    for (const auto& destination : enqueued)
        if (!live_senders_.count(destination)) return false;
    more_.insert(enqueued.begin(), enqueued.end());
    messages.takeEnqueuedDestinations();
    return true;
}

RelayEngine& Node::requireRelay() {
    if (!relay_) throw CommandError(engine_->account() + " is a terminal, not a relay");
    return *relay_;
}

TerminalEngine& Node::requireTerminal() {
    if (!terminal_) throw CommandError(engine_->account() + " is a relay, not a terminal");
    return *terminal_;
}

}  // namespace relaysync::core
