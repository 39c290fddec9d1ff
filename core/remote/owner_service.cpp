#include "remote/owner_service.h"

#include <algorithm>
#include <span>
#include <vector>

#include <openssl/evp.h>

#include <Poco/Logger.h>

#include "model/text_cell.h"
#include "relaysync/sdk/contained_paths.h"
#include "remote/entry_path.h"

namespace relaysync::core {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("relaysync.remote"); }

// Bytes of a browse answer's items at most, well under the header limit.
constexpr std::size_t kMaxBrowseBytes = kMaxRemoteHeaderBytes / 2;

RemoteErrorCode codeOfStat(const sdk::Status& status) {
    switch (status.code()) {
    case sdk::StatusCode::not_found: return RemoteErrorCode::gone;
    case sdk::StatusCode::invalid_argument: return RemoteErrorCode::bad_path;  // out of the root
    default: return RemoteErrorCode::unreachable;
    }
}

// A path inside a shared folder leads, links followed, to something inside the folder, where
// the store can tell (sdk ContainedPaths); entryPath has checked its spelling already.
sdk::Status staysInside(const StoreRouter& stores, const sdk::CallContext& call, const std::string& entry_location,
                        const StoreRouter::Route& route) {
    StoreRouter::Route entry;
    if (auto routed = stores.route(entry_location, entry); !routed.isOk()) return routed;
    if (entry.plain != route.plain || entry.path == route.path) return sdk::Status::ok();
    auto* contained = static_cast<sdk::ContainedPaths*>(route.plain->extension(sdk::kContainedPathsExtension));
    return contained ? contained->within(call, entry.path, route.path) : sdk::Status::ok();
}

// A link out of the shared folder is a path that leaves it, whatever the store calls it.
RemoteErrorCode codeOfContainment(const sdk::Status& status) {
    return status.code() == sdk::StatusCode::permission_denied ? RemoteErrorCode::bad_path : codeOfStat(status);
}

std::string hex(const unsigned char* bytes, unsigned size) {
    static const char* digits = "0123456789abcdef";
    std::string text;
    for (unsigned i = 0; i < size; ++i) {
        text += digits[bytes[i] >> 4];
        text += digits[bytes[i] & 15];
    }
    return text;
}

struct DigestDeleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// What tells one version of a file from another, as the store sees it.
struct Version {
    std::uint64_t size = 0;
    std::int64_t modified_ms = 0;
    sdk::EntityIdentity identity;
    bool operator==(const Version&) const = default;
};
Version versionOf(const sdk::EntityDetails& details) { return {details.size, details.modified_ms, details.identity}; }

}  // namespace

struct OwnerService::Transfer {
    std::string location;  // entry location joined with the sub-path
    StoreRouter::Route route;
    Version version;
    std::uint64_t hashed = 0;  // bytes hashed so far, from 0
    std::unique_ptr<EVP_MD_CTX, DigestDeleter> digest{EVP_MD_CTX_new()};
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();

    void restartHash() {
        EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr);
        hashed = 0;
    }
    void hash(const std::vector<char>& bytes) {
        EVP_DigestUpdate(digest.get(), bytes.data(), bytes.size());
        hashed += bytes.size();
    }
    std::string finalHash() {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned size = 0;
        EVP_DigestFinal_ex(digest.get(), out, &size);
        return "sha256:" + hex(out, size);
    }
};

OwnerService::OwnerService(std::string account, const StoreRouter& stores, RemoteAccessPolicy policy,
                           std::size_t max_chunk, std::chrono::milliseconds store_timeout, LookUp look_up, Reply reply,
                           AccessLog& log)
    : account_(std::move(account)),
      stores_(stores),
      policy_(std::move(policy)),
      max_chunk_(max_chunk),
      store_timeout_(store_timeout),
      look_up_(std::move(look_up)),
      reply_(std::move(reply)),
      log_(log),
      thread_([this] { run(); }) {}

OwnerService::~OwnerService() { stop(); }

void OwnerService::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OwnerService::take(RemoteMessage request) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_ && queue_.size() < kMaxQueued) {
            queue_.push_back(std::move(request));
            wake_.notify_one();
            return;
        }
    }
    // Not fail(): the transfers belong to the service's thread.
    reply_(remoteError(request, RemoteErrorCode::offline,
                       account_ + " has too many remote-access requests waiting; try again later"));
}

void OwnerService::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, std::chrono::seconds(10), [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        if (queue_.empty()) {
            lock.unlock();
            dropIdle();
            lock.lock();
            continue;
        }
        auto request = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        try {
            answer(request);
        } catch (const std::exception& e) {
            fail(request, RemoteErrorCode::unreachable, account_ + ": " + e.what());
        }
        lock.lock();
    }
}

void OwnerService::dropIdle() {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = transfers_.begin(); it != transfers_.end();)
        it = now - it->second->last > AccessLog::kIdle ? transfers_.erase(it) : std::next(it);
    log_.closeIdle();
}

void OwnerService::end(const std::string& transfer) {
    transfers_.erase(transfer);
    ended_.push_back(transfer);
    if (ended_.size() > kRememberEnded) ended_.pop_front();
}

bool OwnerService::hasEnded(const std::string& transfer) const {
    return std::find(ended_.rbegin(), ended_.rend(), transfer) != ended_.rend();
}

void OwnerService::fail(const RemoteMessage& request, RemoteErrorCode code, const std::string& reason) {
    end(request.transfer);
    logger().warning("%s: refused %s %s from %s: %s", account_, std::string(wireName(request.type)), request.transfer,
                     request.asker, logValue(reason));
    log_.ended(request.transfer, std::string(wireName(code)) + ": " + reason);
    reply_(remoteError(request, code, reason));
}

void OwnerService::answer(const RemoteMessage& request) {
    logger().debug("%s: %s %s at %s from %s", account_, std::string(wireName(request.type)), request.transfer,
                   std::to_string(request.offset), request.asker);
    if (hasEnded(request.transfer)) {
        // Sent before its transfer ended here (after a refusal the asker has closed it and drops
        // this); anything else is a request out of order, which must not leave the asker waiting.
        reply_(remoteError(request, RemoteErrorCode::invalid, "transfer " + request.transfer + " has ended at " + account_));
        return;
    }
    log_.seen(accessRecordOf(request), 0);
    const auto facts = look_up_(request);
    if (facts.refusal) {
        return fail(request, *facts.refusal, facts.reason);
    }
    const auto level = policy_.levelFor(request.share_id, facts.share_name, request.entry);
    const bool browsing = request.type == RemoteType::browse_request;
    if (level == RemoteAccessLevel::info || (!browsing && level != RemoteAccessLevel::read))
        return fail(request, RemoteErrorCode::refused,
                    account_ + "'s profile allows only '" + toString(level) + "' for '" + request.entry + "' (remote_access)");
    if (browsing) return browse(request, facts);
    fetch(request, facts);
}

void OwnerService::browse(const RemoteMessage& request, const OwnerFacts& facts) {
    const auto where = entryPath(facts.location, request.path);
    if (!where.problem.empty()) return fail(request, RemoteErrorCode::bad_path, where.problem);
    StoreRouter::Route route;
    if (auto routed = stores_.route(where.location, route); !routed.isOk())
        return fail(request, codeOfStat(routed), routed.message());
    const auto call = sdk::CallContext::within(store_timeout_);
    if (auto inside = staysInside(stores_, call, facts.location, route); !inside.isOk())
        return fail(request, codeOfContainment(inside), inside.message());
    sdk::EntityDetails details;
    if (auto stat = route.plain->stat(call, route.path, details); !stat.isOk())
        return fail(request, codeOfStat(stat), stat.message());
    RemoteMessage result;
    result.type = RemoteType::browse_result;
    result.transfer = request.transfer;
    result.asker = request.asker;
    result.owner = request.owner;
    result.share_id = request.share_id;
    result.folder = details.kind == sdk::EntityKind::folder;
    result.size = static_cast<std::int64_t>(details.size);
    result.modified_ms = details.modified_ms;
    if (result.folder) {
        sdk::FolderListing listing;
        if (auto listed = route.plain->list(call, route.path, listing); !listed.isOk())
            return fail(request, codeOfStat(listed), listed.message());
        std::sort(listing.begin(), listing.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        const bool detailed = (route.plain->capabilities() & sdk::StoreCapability::list_details) != 0;
        // One page: the items after the `offset` first, as many as fit one answer on this
        // transport (its chunk size bounds the header too); the asker asks for the next page.
        const auto budget = std::min(kMaxBrowseBytes, max_chunk_);
        const auto first = std::min<std::uint64_t>(request.offset, listing.size());
        std::size_t bytes = 0;
        for (auto& item : std::span(listing).subspan(first)) {
            if (result.items.size() >= kMaxBrowseItems || bytes > budget) {
                ++result.more_items;
                continue;
            }
            if (!detailed) {
                const auto path = route.path.empty() ? item.name : route.path + "/" + item.name;
                if (!route.plain->stat(call, path, item.details).isOk()) continue;  // gone meanwhile
            }
            const bool folder = item.details.kind == sdk::EntityKind::folder;
            result.items.push_back({item.name, folder, folder ? 0 : item.details.size, item.details.modified_ms});
            bytes += item.name.size() + 80;
        }
    }
    end(request.transfer);
    log_.ended(request.transfer, "ok");
    reply_(std::move(result));
}

void OwnerService::fetch(const RemoteMessage& request, const OwnerFacts& facts) {
    const auto call = sdk::CallContext::within(store_timeout_);
    auto& slot = transfers_[request.transfer];
    if (!slot) {
        // The first request of a transfer (or the first after a resume): where, and which version.
        auto transfer = std::make_unique<Transfer>();
        const auto where = entryPath(facts.location, request.path);
        if (!where.problem.empty()) {
            return fail(request, RemoteErrorCode::bad_path, where.problem);
        }
        transfer->location = where.location;
        if (auto routed = stores_.route(where.location, transfer->route); !routed.isOk()) {
            return fail(request, codeOfStat(routed), routed.message());
        }
        if (auto inside = staysInside(stores_, call, facts.location, transfer->route); !inside.isOk()) {
            return fail(request, codeOfContainment(inside), inside.message());
        }
        sdk::EntityDetails details;
        if (auto stat = transfer->route.plain->stat(call, transfer->route.path, details); !stat.isOk()) {
            return fail(request, codeOfStat(stat), stat.message());
        }
        if (details.kind != sdk::EntityKind::file) {
            return fail(request, RemoteErrorCode::invalid, "'" + where.location + "' is a folder: fetch its files");
        }
        transfer->version = versionOf(details);
        if (request.size >= 0 && (static_cast<std::uint64_t>(request.size) != details.size ||
                                  request.modified_ms != details.modified_ms)) {
            return fail(request, RemoteErrorCode::changed,
                        "'" + request.entry + (request.path.empty() ? "" : "/" + request.path) +
                            "' changed since the part fetched before (now " + std::to_string(details.size) + " bytes)");
        }
        transfer->restartHash();
        slot = std::move(transfer);
    }
    auto& transfer = *slot;
    transfer.last = std::chrono::steady_clock::now();
    const auto changed = [&](const std::string& how) {
        fail(request, RemoteErrorCode::changed,
             "'" + request.entry + (request.path.empty() ? "" : "/" + request.path) + "' changed during the fetch (" +
                 how + "); fetch it again");
    };
    // Still the version the first chunk came from?
    sdk::EntityDetails now;
    if (auto stat = transfer.route.plain->stat(call, transfer.route.path, now); !stat.isOk()) {
        if (stat.code() == sdk::StatusCode::not_found) return changed("it is gone");
        return fail(request, codeOfStat(stat), stat.message());
    }
    if (!(versionOf(now) == transfer.version)) return changed("now " + std::to_string(now.size) + " bytes");

    const auto size = transfer.version.size;
    if (request.offset > size) {
        return fail(request, RemoteErrorCode::invalid, "offset " + std::to_string(request.offset) + " is past the end");
    }
    // Reads [from, from + count) into `out`, the whole range or `changed`.
    const auto readRange = [&](std::uint64_t from, std::uint64_t count, std::vector<char>& out) {
        out.clear();
        std::vector<char> piece;
        while (out.size() < count) {
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(count - out.size(), max_chunk_));
            auto read = transfer.route.plain->read(call, transfer.route.path, from + out.size(), want, piece);
            if (!read.isOk()) {
                fail(request, read.code() == sdk::StatusCode::not_found ? RemoteErrorCode::changed : codeOfStat(read),
                     read.message());
                return false;
            }
            if (piece.empty()) {
                changed("it ended at " + std::to_string(from + out.size()) + " bytes");
                return false;
            }
            if (out.empty() && piece.size() == count) out.swap(piece);  // the usual case: one read
            else out.insert(out.end(), piece.begin(), piece.end());
        }
        return true;
    };
    // The hash covers the whole file: what the asker already has (a resume) is read again.
    if (transfer.hashed > request.offset) transfer.restartHash();
    std::vector<char> bytes;
    while (transfer.hashed < request.offset) {
        if (!readRange(transfer.hashed, std::min<std::uint64_t>(request.offset - transfer.hashed, max_chunk_), bytes))
            return;
        transfer.hash(bytes);
    }
    const auto length = std::min<std::uint64_t>({request.length, max_chunk_, size - request.offset});
    if (!readRange(request.offset, length, bytes)) return;
    transfer.hash(bytes);

    RemoteMessage data;
    data.type = RemoteType::fetch_data;
    data.transfer = request.transfer;
    data.asker = request.asker;
    data.owner = request.owner;
    data.share_id = request.share_id;
    data.offset = request.offset;
    data.size = static_cast<std::int64_t>(size);
    data.modified_ms = transfer.version.modified_ms;
    data.last = request.offset + length >= size;
    data.data.assign(bytes.begin(), bytes.end());
    log_.seen(accessRecordOf(request), length);
    if (data.last) {
        data.hash = transfer.finalHash();
        end(request.transfer);
        log_.ended(request.transfer, "ok");
    }
    reply_(std::move(data));
}

}  // namespace relaysync::core
