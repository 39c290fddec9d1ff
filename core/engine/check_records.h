#pragma once
// The owner's records a CheckResource looks at, packed: their names and locations in one buffer
// and their share ids once each, so that a check of 100,000 entities does not allocate a
// ResourceEntry's strings per record while it holds the node's lock. A full ResourceEntry is
// made only for a record whose new version is planned.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/share.h"
#include "persistence/share_repository.h"
#include "relaysync/sdk/entity.h"

namespace relaysync::core {

class CheckRecords {
public:
    void add(const ShareRepository::OwnRecordView& row);
    void add(const ResourceEntry& entry);

    // Empties it and keeps its buffers: the next check of a large share reuses them instead of
    // faulting in fresh pages (a twelfth of a 100,000-entry check's CPU).
    void clear() {
        records_.clear();
        texts_.clear();
        share_ids_.clear();
    }
    std::size_t size() const { return records_.size(); }
    bool empty() const { return records_.empty(); }
    const std::string& shareId(std::size_t i) const { return share_ids_[records_[i].share]; }
    std::string_view name(std::size_t i) const { return text(i, 0); }
    std::string_view location(std::size_t i) const { return text(i, 1); }
    std::string_view status(std::size_t i) const { return text(i, 2); }
    // The recorded details: kind, time, size and hash (a store's identity is never recorded).
    sdk::EntityDetails details(std::size_t i) const;
    bool sameDetails(std::size_t i, std::size_t j) const;
    std::int64_t version(std::size_t i) const { return records_[i].version; }

    // Record `i` as stored, owned by `owner`.
    ResourceEntry entry(std::size_t i, const std::string& owner) const;

    // Keeps, in order, the records at the locations (runs of equal location) where `wanted(i)`
    // holds for at least one record.
    template <typename Wanted>
    void keepLocationsWhere(const Wanted& wanted);

private:
    // Name, location, status and hash, one after another in texts_ from text_at.
    struct Record {
        std::size_t text_at = 0;
        std::uint32_t sizes[4] = {};
        std::uint32_t share = 0;  // index into share_ids_
        sdk::EntityKind kind = sdk::EntityKind::file;
        std::int64_t modified_ms = 0;
        std::uint64_t size = 0;
        std::int64_t version = 0;
    };
    std::string_view text(std::size_t i, int which) const;
    Record& addTexts(std::string_view share_id, std::string_view name, std::string_view location,
                     std::string_view status, std::string_view hash);

    std::vector<Record> records_;
    std::string texts_;
    std::vector<std::string> share_ids_;  // few: usually one
};

template <typename Wanted>
void CheckRecords::keepLocationsWhere(const Wanted& wanted) {
    std::size_t kept = 0;
    for (std::size_t first = 0; first < records_.size();) {
        std::size_t end = first + 1;
        while (end < records_.size() && location(end) == location(first)) ++end;
        bool keep = false;
        for (std::size_t i = first; i < end && !keep; ++i) keep = wanted(i);
        if (keep)
            for (std::size_t i = first; i < end; ++i, ++kept)
                if (kept != i) records_[kept] = std::move(records_[i]);
        first = end;
    }
    records_.resize(kept);
}

}  // namespace relaysync::core
