#pragma once
// The record of remote browses and fetches at a node (owner, and each relay on the path): who
// asked, what, when, how many bytes, how it ended. One record per transfer, written when it
// ends, never per chunk: a log line (logger relaysync.access) and the newest kMaxRecords kept
// for the admin command `access-log`. Transfers that go quiet are closed as `abandoned`.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "protocol/remote_message.h"

namespace relaysync::core {

struct AccessRecord {
    std::string transfer, kind;  // kind: "browse" or "fetch"
    std::string asker, owner, share_id, entry, path;
    std::int64_t started_ms = 0, ended_ms = 0;
    std::uint64_t bytes = 0;
    std::string outcome;  // "ok", "abandoned", or a remote-error code and reason
    // At a relay, not recorded: the neighbours the transfer goes through.
    std::string toward_owner, toward_asker;
};

// The record a request opens: who asks what, of whom.
AccessRecord accessRecordOf(const RemoteMessage& request);

class AccessLog {
public:
    static constexpr std::size_t kMaxRecords = 1000;
    // A transfer with no message for this long is closed as abandoned.
    static constexpr std::chrono::seconds kIdle{120};

    explicit AccessLog(std::string node) : node_(std::move(node)) {}

    // A message of a transfer went through: opens its record on first sight, adds `bytes`.
    void seen(const AccessRecord& what, std::uint64_t bytes);
    // The transfer ended (last chunk, browse answer, error): its record is written.
    void ended(const std::string& transfer, const std::string& outcome);
    // Closes transfers idle for longer than kIdle.
    void closeIdle();
    // The newest records first, at most `limit`.
    std::vector<AccessRecord> records(std::size_t limit) const;
    // Open transfers whose requests go to `account` (a peer that was lost).
    std::vector<AccessRecord> openToward(const std::string& account) const;
    // Whether a transfer is open here (its route as first seen).
    bool open(const std::string& transfer, AccessRecord& route) const;

    static Poco::JSON::Object::Ptr toJson(const AccessRecord& record);

private:
    struct Open {
        AccessRecord record;
        std::chrono::steady_clock::time_point last;
    };
    void write(AccessRecord record);

    const std::string node_;
    mutable std::mutex mutex_;
    std::map<std::string, Open> open_;
    std::deque<AccessRecord> done_;
};

}  // namespace relaysync::core
