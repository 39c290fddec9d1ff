#include "remote/access_log.h"

#include <Poco/Logger.h>

#include "model/text_cell.h"
#include "model/wall_clock.h"

namespace relaysync::core {

AccessRecord accessRecordOf(const RemoteMessage& m) {
    AccessRecord record;
    record.transfer = m.transfer;
    record.kind = m.type == RemoteType::browse_request ? "browse" : "fetch";
    record.asker = m.asker;
    record.owner = m.owner;
    record.share_id = m.share_id;
    record.entry = m.entry;
    record.path = m.path;
    return record;
}

void AccessLog::seen(const AccessRecord& what, std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    auto [open, created] = open_.try_emplace(what.transfer);
    if (created) {
        open->second.record = what;
        open->second.record.started_ms = wallClockMs();
        open->second.record.bytes = 0;
    }
    open->second.record.bytes += bytes;
    open->second.last = std::chrono::steady_clock::now();
}

void AccessLog::ended(const std::string& transfer, const std::string& outcome) {
    AccessRecord record;
    {
        std::lock_guard lock(mutex_);
        const auto open = open_.find(transfer);
        if (open == open_.end()) return;
        record = std::move(open->second.record);
        open_.erase(open);
    }
    record.outcome = outcome;
    write(std::move(record));
}

void AccessLog::closeIdle() {
    std::vector<AccessRecord> idle;
    {
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        for (auto it = open_.begin(); it != open_.end();) {
            if (now - it->second.last > kIdle) {
                idle.push_back(std::move(it->second.record));
                it = open_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& record : idle) {
        record.outcome = "abandoned";
        write(std::move(record));
    }
}

void AccessLog::write(AccessRecord record) {
    record.ended_ms = wallClockMs();
    Poco::Logger::get("relaysync.access")
        .notice("%s: %s %s by %s of %s in share %s owned by %s: %s bytes, %s", node_, record.kind, record.transfer,
                logValue(record.asker), logValue(record.path.empty() ? record.entry : record.entry + "/" + record.path),
                logValue(record.share_id), logValue(record.owner), std::to_string(record.bytes), logValue(record.outcome));
    std::lock_guard lock(mutex_);
    done_.push_front(std::move(record));
    if (done_.size() > kMaxRecords) done_.pop_back();
}

std::vector<AccessRecord> AccessLog::records(std::size_t limit) const {
    std::lock_guard lock(mutex_);
    return {done_.begin(), done_.begin() + static_cast<long>(std::min(limit, done_.size()))};
}

std::vector<AccessRecord> AccessLog::openToward(const std::string& account) const {
    std::lock_guard lock(mutex_);
    std::vector<AccessRecord> found;
    for (const auto& [transfer, open] : open_)
        if (open.record.toward_owner == account) found.push_back(open.record);
    return found;
}

bool AccessLog::open(const std::string& transfer, AccessRecord& route) const {
    std::lock_guard lock(mutex_);
    const auto found = open_.find(transfer);
    if (found == open_.end()) return false;
    route = found->second.record;
    return true;
}

Poco::JSON::Object::Ptr AccessLog::toJson(const AccessRecord& r) {
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object;
    json->set("transfer", r.transfer);
    json->set("kind", r.kind);
    json->set("asker", r.asker);
    json->set("owner", r.owner);
    json->set("share_id", r.share_id);
    json->set("entry", r.entry);
    json->set("path", r.path);
    json->set("started_ms", static_cast<Poco::Int64>(r.started_ms));
    json->set("ended_ms", static_cast<Poco::Int64>(r.ended_ms));
    json->set("bytes", static_cast<Poco::Int64>(r.bytes));
    json->set("outcome", r.outcome);
    return json;
}

}  // namespace relaysync::core
