#pragma once
// Shared resource information as stored at one node: shares, members, resource entries.

#include <optional>
#include <string>
#include <vector>

#include "model/share.h"
#include "persistence/database.h"

namespace relaysync::core {

class ShareRepository {
public:
    explicit ShareRepository(Database& database) : session_(database.session()) {}

    std::vector<Share> shares();
    std::optional<Share> find(const std::string& share_id);
    // Stores the definition if its version is newer than the stored one; true if it was.
    bool putIfNewer(const Share& share);
    // Forgets a share and its entries (a terminal that is no longer a member).
    void remove(const std::string& share_id);

    // Live entries of a share (no tombstones), by name.
    std::vector<ResourceEntry> entries(const std::string& share_id);
    // Every stored entry of a share, tombstones included (for a newcomer's full copy).
    std::vector<ResourceEntry> entriesWithTombstones(const std::string& share_id);
    // The stored entry, tombstone included.
    std::optional<ResourceEntry> entry(const std::string& share_id, const std::string& name);
    // Live entries of `owner` in every share this node holds, by location.
    std::vector<ResourceEntry> entriesOwnedBy(const std::string& owner);
    // Stores the entry if its version is newer than the stored one; true if it was.
    bool putEntryIfNewer(const ResourceEntry& entry);

private:
    std::vector<ResourceEntry> selectEntries(const std::string& where_clause, std::vector<std::string> values);

    Poco::Data::Session& session_;
};

}  // namespace relaysync::core
