#include "engine/check_records.h"

#include <algorithm>
#include <stdexcept>

namespace relaysync::core {

CheckRecords::Record& CheckRecords::addTexts(std::string_view share_id, std::string_view name,
                                             std::string_view location, std::string_view status,
                                             std::string_view hash) {
    auto& record = records_.emplace_back();
    // Records come by location, so mostly from one share or alternating between few.
    const auto share = std::find(share_ids_.begin(), share_ids_.end(), share_id);
    record.share = static_cast<std::uint32_t>(share - share_ids_.begin());
    if (share == share_ids_.end()) share_ids_.emplace_back(share_id);
    record.text_at = texts_.size();
    int which = 0;
    for (const auto text : {name, location, status, hash}) {
        if (text.size() > UINT32_MAX) throw std::length_error("a check record's text is too long");
        record.sizes[which++] = static_cast<std::uint32_t>(text.size());
        texts_.append(text);
    }
    return record;
}

void CheckRecords::add(const ShareRepository::OwnRecordView& row) {
    auto& record = addTexts(row.share_id, row.name, row.location, row.status, row.hash);
    record.kind = row.kind;
    record.modified_ms = row.modified_ms;
    record.size = row.size;
    record.version = row.version;
}

void CheckRecords::add(const ResourceEntry& entry) {
    auto& record = addTexts(entry.share_id, entry.name, entry.location, entry.status, entry.details.hash);
    record.kind = entry.details.kind;
    record.modified_ms = entry.details.modified_ms;
    record.size = entry.details.size;
    record.version = entry.version;
}

std::string_view CheckRecords::text(std::size_t i, int which) const {
    const auto& record = records_[i];
    std::size_t at = record.text_at;
    for (int before = 0; before < which; ++before) at += record.sizes[before];
    return std::string_view(texts_).substr(at, record.sizes[which]);
}

sdk::EntityDetails CheckRecords::details(std::size_t i) const {
    const auto& record = records_[i];
    sdk::EntityDetails details;
    details.kind = record.kind;
    details.modified_ms = record.modified_ms;
    details.size = record.size;
    details.hash = text(i, 3);
    return details;
}

bool CheckRecords::sameDetails(std::size_t i, std::size_t j) const {
    const auto& a = records_[i];
    const auto& b = records_[j];
    return a.kind == b.kind && a.modified_ms == b.modified_ms && a.size == b.size && text(i, 3) == text(j, 3);
}

ResourceEntry CheckRecords::entry(std::size_t i, const std::string& owner) const {
    ResourceEntry entry;
    entry.share_id = shareId(i);
    entry.name = name(i);
    entry.owner = owner;
    entry.location = location(i);
    entry.status = status(i);
    entry.details = details(i);
    entry.version = version(i);
    return entry;
}

}  // namespace relaysync::core
