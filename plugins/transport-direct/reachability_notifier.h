#pragma once
// Tells the listener when an account becomes reachable or unreachable, one event at a time and
// in the order the transport saw the changes, on a thread of its own: a listener that reacts by
// sending (and so waits for an ACK) holds up neither a connection nor the dialer.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "relaysync/sdk/transport.h"

namespace relaysync::transport_direct {

class ReachabilityNotifier {
public:
    ~ReachabilityNotifier() { stop(); }

    void start(sdk::TransportListener& listener);
    void post(const std::string& account, bool reachable);
    // Drops what is not delivered yet and waits for the thread; no listener call after it.
    void stop();

private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<std::string, bool>> events_;
    bool stopping_ = false;
    sdk::TransportListener* listener_ = nullptr;
    std::thread thread_;
};

}  // namespace relaysync::transport_direct
