#pragma once
// Bodies of synchronize, synchronize-instruction, synchronize-result and synchronize-progress.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "model/owner_digests.h"
#include "model/sync_report.h"

namespace relaysync::core {

struct SyncRequest {
    SyncRequest(std::string sync_id_, std::string share_id_, std::vector<std::string> names_ = {},
                std::optional<OwnerDigests> digests_ = {})
        : sync_id(std::move(sync_id_)), share_id(std::move(share_id_)), names(std::move(names_)),
          digests(std::move(digests_)) {}

    std::string sync_id;
    std::string share_id;
    std::vector<std::string> names;  // empty: the whole share
    // Whole-share syncs: what the asker holds, per owner (repair).
    std::optional<OwnerDigests> digests;
    // From a relay, whole share: where a relay that lacks the share asks for its definition.
    std::string group_id;
    std::string creator;
    // How long the asker waits for the answer; the answerer answers before (kSyncHopMargin).
    std::int64_t timeout_ms = kDefaultSyncTimeoutMs;

    // A synchronize waits this long at its originator unless told otherwise.
    static constexpr std::int64_t kDefaultSyncTimeoutMs = 15LL * 60 * 1000;
    // What a hop keeps for itself of the time it was given: it answers its asker this long
    // before the asker stops waiting, so that the report names the node that did not answer.
    static std::int64_t hopMarginMs(std::int64_t timeout_ms) { return std::max<std::int64_t>(2000, timeout_ms / 10); }

    Poco::JSON::Object::Ptr toBody() const;
    static SyncRequest fromBody(const Poco::JSON::Object::Ptr& body);
};

// synchronize-result: the report, and for a whole-share sync what the sender holds.
Poco::JSON::Object::Ptr reportBody(const SyncReport& report, const std::optional<OwnerDigests>& digests = {});
std::optional<OwnerDigests> digestsOf(const Poco::JSON::Object::Ptr& body);

// synchronize-progress: a relay tells whoever asked it which nodes, at any depth below it, have
// not answered yet. At most kMaxListed are named; `more` counts the rest.
struct SyncProgress {
    std::string sync_id;
    std::vector<std::string> still_checking;
    std::int64_t more = 0;

    static constexpr std::size_t kMaxListed = 100;

    // From the full list: the first kMaxListed named, the rest counted.
    static SyncProgress bounded(std::string sync_id, const std::vector<std::string>& still_checking);
    Poco::JSON::Object::Ptr toBody() const;
    static SyncProgress fromBody(const Poco::JSON::Object::Ptr& body);
};

// sync-digests: after a whole-share synchronize, the digests of each owner as its own relay
// reported them, from the relay that started it to every member relay.
struct SyncDigests {
    std::string sync_id;
    std::string share_id;
    OwnerDigests digests;

    Poco::JSON::Object::Ptr toBody() const;
    static SyncDigests fromBody(const Poco::JSON::Object::Ptr& body);
};

// request-entries: a relay asks an owner's relay for its terminals' records of a share.
struct EntriesRequest {
    std::string share_id;
    std::vector<std::string> owners;
    bool definition = false;  // to the creator's relay: send the share itself (policy-data)

    Poco::JSON::Object::Ptr toBody() const;
    static EntriesRequest fromBody(const Poco::JSON::Object::Ptr& body);
};

}  // namespace relaysync::core
