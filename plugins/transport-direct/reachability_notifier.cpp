#include "reachability_notifier.h"

#include <Poco/Logger.h>

namespace relaysync::transport_direct {

void ReachabilityNotifier::start(sdk::TransportListener& listener) {
    std::lock_guard lock(mutex_);
    listener_ = &listener;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void ReachabilityNotifier::post(const std::string& account, bool reachable) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || !listener_) return;
        events_.emplace_back(account, reachable);
    }
    wake_.notify_one();
}

void ReachabilityNotifier::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        events_.clear();
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void ReachabilityNotifier::run() {
    for (;;) {
        std::pair<std::string, bool> event;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !events_.empty(); });
            if (stopping_) return;
            event = std::move(events_.front());
            events_.pop_front();
        }
        try {
            listener_->onReachabilityChanged(event.first, event.second);
        } catch (...) {  // the contract says it does not throw; keep the thread alive anyway
            Poco::Logger::get("relaysync.transport.direct")
                .error("the listener threw from onReachabilityChanged(%s)", event.first);
        }
    }
}

}  // namespace relaysync::transport_direct
