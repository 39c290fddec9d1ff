#include "remote/asker_transfers.h"

#include <random>
#include <stdexcept>
#include <vector>

namespace relaysync::core {

AskerTransfers::AskerTransfers(std::string account, std::size_t chunk, std::size_t window, Send send)
    : account_(std::move(account)), chunk_(chunk), window_(window), send_(std::move(send)) {}

std::string AskerTransfers::newTransferId() {
    static thread_local std::random_device device;
    static const char* digits = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 4; ++i) {
        auto bits = device();
        for (int j = 0; j < 8; ++j, bits >>= 4) id += digits[bits & 15];
    }
    return id;
}

RemoteMessage AskerTransfers::request(const std::string& transfer, const Fetch& fetch, RemoteType type,
                                      std::uint64_t offset) const {
    RemoteMessage m;
    m.type = type;
    m.transfer = transfer;
    m.asker = account_;
    m.owner = fetch.target.owner;
    m.share_id = fetch.target.share_id;
    m.entry = fetch.target.entry;
    m.path = fetch.target.path;
    m.offset = offset;
    m.length = type == RemoteType::fetch_request ? chunk_ : 0;
    m.size = fetch.expect_size;
    m.modified_ms = fetch.expect_modified_ms;
    return m;
}

void AskerTransfers::sendAll(std::vector<RemoteMessage> requests) {
    for (auto& each : requests) {
        const auto transfer = each.transfer;
        const auto owner = each.owner;
        send_(std::move(each), [this, transfer, owner](const std::string& reason) {
            failTransfer(transfer, RemoteErrorCode::offline, "cannot reach " + owner + "'s way: " + reason);
        });
    }
}

void AskerTransfers::failTransfer(const std::string& transfer, RemoteErrorCode code, const std::string& reason) {
    {
        std::lock_guard lock(mutex_);
        const auto found = transfers_.find(transfer);
        if (found == transfers_.end() || found->second.error) return;
        RemoteMessage error;
        error.type = RemoteType::remote_error;
        error.transfer = transfer;
        error.code = code;
        error.reason = reason;
        found->second.error = std::move(error);
    }
    arrived_.notify_all();
}

RemoteMessage AskerTransfers::browse(const RemoteTarget& target, std::chrono::milliseconds wait, std::uint64_t skip) {
    const auto transfer = newTransferId();
    RemoteMessage asked;
    {
        std::lock_guard lock(mutex_);
        auto& fetch = transfers_[transfer];
        fetch.target = target;
        fetch.browse = true;
        asked = request(transfer, fetch, RemoteType::browse_request, skip);
        sendAll({asked});
    }
    std::unique_lock lock(mutex_);
    auto& fetch = transfers_.at(transfer);
    const bool answered = arrived_.wait_for(lock, wait, [&] { return fetch.browsed || fetch.error; });
    RemoteMessage result;
    if (fetch.browsed) result = std::move(*fetch.browsed);
    else if (fetch.error) result = std::move(*fetch.error);
    transfers_.erase(transfer);
    if (!answered)
        return remoteError(asked, RemoteErrorCode::offline,
                           "no answer from " + target.owner + " within " +
                               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) + " s");
    return result;
}

std::string AskerTransfers::open(const RemoteTarget& target, std::uint64_t offset, std::int64_t expect_size,
                                 std::int64_t expect_modified_ms) {
    const auto transfer = newTransferId();
    RemoteMessage first;
    {
        std::lock_guard lock(mutex_);
        if (transfers_.size() >= kMaxOpen)
            throw std::invalid_argument(std::to_string(kMaxOpen) + " fetches are open at this terminal; try again later");
        auto& fetch = transfers_[transfer];
        fetch.target = target;
        fetch.next_request = fetch.next_deliver = offset;
        fetch.expect_size = expect_size;
        fetch.expect_modified_ms = expect_modified_ms;
        // One chunk first: the window fills once its answer tells the size.
        first = request(transfer, fetch, RemoteType::fetch_request, offset);
        fetch.next_request += chunk_;
        fetch.outstanding = 1;
        sendAll({first});
    }
    return transfer;
}

std::vector<RemoteMessage> AskerTransfers::fillWindow(const std::string& transfer, Fetch& fetch) {
    std::vector<RemoteMessage> requests;
    if (fetch.size < 0 || fetch.error) return requests;
    while (fetch.outstanding < window_ && fetch.next_request < static_cast<std::uint64_t>(fetch.size)) {
        // The size the first chunk gave is expected from now on: a change is the owner's to report.
        auto asked = request(transfer, fetch, RemoteType::fetch_request, fetch.next_request);
        asked.size = fetch.size;
        asked.modified_ms = fetch.modified_ms;
        requests.push_back(std::move(asked));
        fetch.next_request += chunk_;
        ++fetch.outstanding;
        fetch.last_activity = std::chrono::steady_clock::now();
    }
    return requests;
}

std::optional<RemoteMessage> AskerTransfers::next(const std::string& transfer, std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    const auto found = transfers_.find(transfer);
    if (found == transfers_.end()) throw std::invalid_argument("no fetch " + transfer + " is open here");
    auto& fetch = found->second;
    fetch.last_taken = std::chrono::steady_clock::now();
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        if (auto chunk = fetch.ready.find(fetch.next_deliver); chunk != fetch.ready.end()) {
            auto data = std::move(chunk->second);
            fetch.ready.erase(chunk);
            fetch.next_deliver += data.data.size();
            --fetch.outstanding;
            sendAll(fillWindow(transfer, fetch));
            return data;
        }
        if (fetch.error) return *fetch.error;
        if (std::chrono::steady_clock::now() - fetch.last_activity > kNoAnswer) {
            fetch.error = remoteError(request(transfer, fetch, RemoteType::fetch_request, fetch.next_deliver),
                                      RemoteErrorCode::offline,
                                      "no answer from " + fetch.target.owner + " within " +
                                          std::to_string(kNoAnswer.count()) + " s");
            return *fetch.error;
        }
        if (arrived_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
    }
}

void AskerTransfers::close(const std::string& transfer) {
    std::lock_guard lock(mutex_);
    transfers_.erase(transfer);
}

void AskerTransfers::closeIdle() {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(transfers_, [&](const auto& each) {
        return !each.second.browse && now - each.second.last_taken > kClientGone;
    });
}

void AskerTransfers::onReply(RemoteMessage reply) {
    {
        std::lock_guard lock(mutex_);
        const auto found = transfers_.find(reply.transfer);
        if (found == transfers_.end()) return;  // closed, or never ours: dropped
        auto& fetch = found->second;
        fetch.last_activity = std::chrono::steady_clock::now();
        switch (reply.type) {
        case RemoteType::browse_result:
            if (fetch.browse) fetch.browsed = std::move(reply);
            break;
        case RemoteType::remote_error:
            if (!fetch.error) fetch.error = std::move(reply);
            break;
        case RemoteType::fetch_data: {
            if (fetch.browse || reply.offset < fetch.next_deliver) break;
            const bool first = fetch.size < 0;
            if (first) {
                fetch.size = reply.size;
                fetch.modified_ms = reply.modified_ms;
            }
            fetch.ready[reply.offset] = std::move(reply);
            if (first) sendAll(fillWindow(found->first, fetch));
            break;
        }
        default:
            break;
        }
    }
    arrived_.notify_all();
}

void AskerTransfers::failAll(const std::string& reason) {
    std::vector<std::string> open;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [transfer, fetch] : transfers_) open.push_back(transfer);
    }
    for (const auto& transfer : open) failTransfer(transfer, RemoteErrorCode::offline, reason);
}

}  // namespace relaysync::core
