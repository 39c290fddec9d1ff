#pragma once
// The owner's side of remote access: answers browse and fetch requests for entries this
// terminal owns, reading only through the entry's resource store, only inside its location,
// as its profile's policy allows. Requests are handled in order on one thread of its own,
// without the node's lock (stores may be slow), so a transfer's chunks are read in sequence and
// hashed (SHA-256) as they are read. A file whose identity (size, time, the store's change
// marks) differs from the first chunk's is answered `changed`, never mixed.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/store_router.h"
#include "protocol/remote_message.h"
#include "remote/access_log.h"
#include "remote/remote_policy.h"

namespace relaysync::core {

// What the node's database says of a request (looked up under the node's lock).
struct OwnerFacts {
    std::optional<RemoteErrorCode> refusal;  // not a member, share unknown, entry not ours...
    std::string reason;
    std::string share_name;
    std::string location;  // the entry's
};

class OwnerService {
public:
    using LookUp = std::function<OwnerFacts(const RemoteMessage& request)>;
    using Reply = std::function<void(RemoteMessage reply)>;  // to the asker, through this terminal's relay

    OwnerService(std::string account, const StoreRouter& stores, RemoteAccessPolicy policy, std::size_t max_chunk,
                 std::chrono::milliseconds store_timeout, LookUp look_up, Reply reply, AccessLog& log);
    ~OwnerService();
    OwnerService(const OwnerService&) = delete;
    OwnerService& operator=(const OwnerService&) = delete;

    // Queues a browse or fetch request; answered on the service's thread.
    void take(RemoteMessage request);
    void stop();

    // At most this many requests wait; more are answered `offline` (the owner is overloaded).
    static constexpr std::size_t kMaxQueued = 256;

private:
    struct Transfer;
    void run();
    void answer(const RemoteMessage& request);
    void browse(const RemoteMessage& request, const OwnerFacts& facts);
    void fetch(const RemoteMessage& request, const OwnerFacts& facts);
    void fail(const RemoteMessage& request, RemoteErrorCode code, const std::string& reason);
    void dropIdle();

    const std::string account_;
    const StoreRouter& stores_;
    const RemoteAccessPolicy policy_;
    const std::size_t max_chunk_;
    const std::chrono::milliseconds store_timeout_;
    LookUp look_up_;
    Reply reply_;
    AccessLog& log_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<RemoteMessage> queue_;
    bool stopping_ = false;
    std::map<std::string, std::unique_ptr<Transfer>> transfers_;  // the service's thread only
    // Transfers that ended (answered in full, or refused): requests of theirs still on the way
    // are dropped, not started afresh. The newest kRememberEnded.
    static constexpr std::size_t kRememberEnded = 1024;
    std::deque<std::string> ended_;
    void end(const std::string& transfer);
    bool hasEnded(const std::string& transfer) const;
    std::thread thread_;
};

}  // namespace relaysync::core
