#pragma once
// The asking terminal's side of remote access: browses waited for, and fetches pulled with a
// window. A fetch asks its owner for chunks [offset, offset + chunk) with at most `window`
// outstanding (asked for and not yet taken by the admin client), so every node on the path holds
// at most window * chunk bytes of it. The admin client (relaysync-admin, which writes the file as
// the user) takes the chunks in order with fetch-next; each one taken lets the next be asked for.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "protocol/remote_message.h"

namespace relaysync::core {

// What a browse or fetch asks for.
struct RemoteTarget {
    std::string share_id, owner, entry, path;
};

class AskerTransfers {
public:
    // Sends a request toward the owner (through this terminal's relay); `failed` is told when it
    // could not be handed over. Called under this object's lock: it must only queue (RemoteSender)
    // and call `failed` later, on another thread.
    using Send = std::function<void(RemoteMessage request, std::function<void(const std::string&)> failed)>;

    // No chunk for this long while some are asked for: the owner counts as offline.
    static constexpr std::chrono::seconds kNoAnswer{30};
    // A fetch whose client has not asked for a chunk for this long is closed (it went away).
    static constexpr std::chrono::seconds kClientGone{120};
    // Fetches open at once.
    static constexpr std::size_t kMaxOpen = 64;

    AskerTransfers(std::string account, std::size_t chunk, std::size_t window, Send send);

    // A browse, waited for up to `wait`: the browse-result, or a remote-error. `skip`: a later page
    // of a large folder, after that many items (the answer's more_items says what is left).
    RemoteMessage browse(const RemoteTarget& target, std::chrono::milliseconds wait, std::uint64_t skip = 0);

    // Opens a fetch from `offset`; with `expect_size` >= 0 the owner refuses (changed) a file
    // whose size or time differ (a resume). Returns the transfer id.
    std::string open(const RemoteTarget& target, std::uint64_t offset, std::int64_t expect_size,
                     std::int64_t expect_modified_ms);
    // The next chunk in order (fetch-data), a remote-error that ended the fetch, or nothing yet
    // after `wait`. Throws std::invalid_argument for an unknown transfer.
    std::optional<RemoteMessage> next(const std::string& transfer, std::chrono::milliseconds wait);
    void close(const std::string& transfer);
    // Closes fetches whose client has not asked for a chunk for kClientGone.
    void closeIdle();

    // A reply from this terminal's relay.
    void onReply(RemoteMessage reply);
    // The relay is gone: every open transfer ends `offline`.
    void failAll(const std::string& reason);

    std::size_t chunkBytes() const { return chunk_; }

private:
    struct Fetch {
        RemoteTarget target;
        bool browse = false;
        std::uint64_t next_request = 0, next_deliver = 0;
        std::int64_t size = -1, modified_ms = 0;
        std::int64_t expect_size = -1, expect_modified_ms = 0;
        std::size_t outstanding = 0;
        std::map<std::uint64_t, RemoteMessage> ready;  // by offset
        std::optional<RemoteMessage> error;
        std::optional<RemoteMessage> browsed;
        std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
        std::chrono::steady_clock::time_point last_taken = std::chrono::steady_clock::now();  // fetch-next
    };
    // Asks for chunks while the window has room. Called with mutex_ held, and so is sendAll:
    // requests leave in the order they were made (the owner reads and hashes in that order).
    std::vector<RemoteMessage> fillWindow(const std::string& transfer, Fetch& fetch);
    RemoteMessage request(const std::string& transfer, const Fetch& fetch, RemoteType type, std::uint64_t offset) const;
    void sendAll(std::vector<RemoteMessage> requests);
    void failTransfer(const std::string& transfer, RemoteErrorCode code, const std::string& reason);
    static std::string newTransferId();

    const std::string account_;
    const std::size_t chunk_, window_;
    Send send_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::map<std::string, Fetch> transfers_;
};

}  // namespace relaysync::core
