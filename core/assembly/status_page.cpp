#include "assembly/status_page.h"

#include <algorithm>

#include "persistence/status_queries.h"

namespace relaysync::core {

namespace {

std::string toHex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const unsigned char byte : bytes) {
        hex += digits[byte >> 4];
        hex += digits[byte & 0xf];
    }
    return hex;
}

std::optional<std::string> fromHex(const std::string& hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    const auto value = [](char digit) -> int {
        if (digit >= '0' && digit <= '9') return digit - '0';
        if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
        return -1;
    };
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = value(hex[i]), low = value(hex[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes += static_cast<char>(high * 16 + low);
    }
    return bytes;
}

// What a page's entries will take in the reply: each entry once as JSON, once as a row of the
// text table, whose columns are as wide as the widest row on the page.
class PageBytes {
public:
    // True when `entry` still fits (the first always does: a page is never empty for its size).
    bool take(const ResourceEntry& entry) {
        const auto shown = entry.name.size() + entry.owner.size() + entry.location.size() + entry.status.size();
        const auto json = 2 * (shown + entry.details.hash.size()) + 200;  // escapes, keys, numbers, the time
        const auto row = shown + 100;                                     // kind, size, time, version, spacing
        const auto widest = std::max(widest_row_, row);
        if (entries_ > 0 && json_ + json + (entries_ + 1) * widest > kMaxStatusPageBytes) return false;
        ++entries_;
        json_ += json;
        widest_row_ = widest;
        return true;
    }

private:
    std::size_t entries_ = 0, json_ = 0, widest_row_ = 0;
};

std::vector<Share> sharesShown(EngineBase& engine, const std::string& only) {
    if (!only.empty()) {
        auto share = engine.shares().find(only);
        if (!share) throw CommandError("no share " + only + " is held here (see status)");
        return {std::move(*share)};
    }
    auto shares = engine.shares().shares();
    std::sort(shares.begin(), shares.end(), [](const Share& a, const Share& b) { return a.id < b.id; });
    return shares;
}

}  // namespace

std::string encodeCursor(const StatusCursor& cursor) { return toHex(cursor.share_id) + "." + toHex(cursor.name); }

StatusCursor decodeCursor(const std::string& text) {
    const auto dot = text.find('.');
    const auto share = dot == std::string::npos ? std::nullopt : fromHex(text.substr(0, dot));
    const auto name = dot == std::string::npos ? std::nullopt : fromHex(text.substr(dot + 1));
    if (!share || !name || share->empty() || name->empty())
        throw CommandError("'" + text.substr(0, 80) + (text.size() > 80 ? "...'" : "'") +
                           " is not a status cursor: give the \"next\" of a previous status page");
    return {*share, *name};
}

NodeStatus readStatusPage(EngineBase& engine, NodeRole role, const StatusPageRequest& request) {
    if (request.limit > kMaxStatusPageEntries)
        throw CommandError("a status page holds at most " + std::to_string(kMaxStatusPageEntries) + " entries, not " +
                           std::to_string(request.limit));
    if (request.after && !request.share.empty() && request.after->share_id != request.share)
        throw CommandError("the cursor continues share " + request.after->share_id + ", not " + request.share);

    NodeStatus status = readNodeSummary(engine, role);
    StatusQueries queries(engine.database());
    PageBytes bytes;
    std::size_t left = request.limit;
    std::optional<StatusCursor> last;
    bool more = false;
    for (auto& share : sharesShown(engine, request.share)) {
        ShareStatus item{std::move(share), {}, std::nullopt};
        if (request.count) item.entry_count = queries.countEntries(item.share.id);
        const auto& after = request.after;
        // Shares before the cursor's were shown on earlier pages; one more entry than fits says
        // whether another page follows.
        const bool reached = request.limit > 0 && !more && (!after || item.share.id >= after->share_id);
        if (reached) {
            const auto from = after && item.share.id == after->share_id ? std::optional(after->name) : std::nullopt;
            item.continued = from.has_value();
            for (auto& entry : queries.entriesAfter(item.share.id, from, left + 1)) {
                if (left == 0 || !bytes.take(entry)) {
                    more = true;
                    break;
                }
                --left;
                last = StatusCursor{item.share.id, entry.name};
                item.entries.push_back(std::move(entry));
            }
        }
        // A share whose first entry did not fit is left to the next page; one the previous
        // page ended with, and that has no more, is done.
        item.on_page = reached && (!item.entries.empty() || (!more && !item.continued));
        status.shares.push_back(std::move(item));
    }
    status.page = StatusPageInfo{request.limit, request.after.has_value(), more && last ? encodeCursor(*last) : ""};
    return status;
}

NodeStatus readStatusPage(Node& node, const StatusPageRequest& request) {
    const auto role = node.isRelay() ? NodeRole::relay : NodeRole::terminal;
    return node.withEngine([&](EngineBase& engine) { return readStatusPage(engine, role, request); });
}

}  // namespace relaysync::core
