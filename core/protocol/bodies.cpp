#include "protocol/bodies.h"

#include "model/text_cell.h"
#include "protocol/json_fields.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

using namespace json;

Poco::JSON::Object::Ptr toJson(const GroupRelay& relay) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("account", relay.account);
    object->set("display_name", relay.display_name);
    object->set("version", relay.version);
    object->set("removed", relay.removed);
    return object;
}

GroupRelay groupRelayFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where) {
    return {requireAccount(object, "account", where), requireName(object, "display_name", where, kMaxDisplayNameBytes, true),
            requireInt(object, "version", where), requireBool(object, "removed", where)};
}

Poco::JSON::Object::Ptr toJson(const ShareableTerminal& terminal) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("account", terminal.account);
    object->set("relay", terminal.relay);
    object->set("display_name", terminal.display_name);
    object->set("department", terminal.department);
    object->set("version", terminal.version);
    object->set("removed", terminal.removed);
    return object;
}

ShareableTerminal terminalFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where) {
    ShareableTerminal terminal;
    terminal.account = requireAccount(object, "account", where);
    terminal.relay = requireAccount(object, "relay", where);
    terminal.display_name = requireName(object, "display_name", where, kMaxDisplayNameBytes, true);
    terminal.department = requireName(object, "department", where, kMaxDisplayNameBytes, true);
    terminal.version = requireInt(object, "version", where);
    terminal.removed = requireBool(object, "removed", where);
    return terminal;
}

Poco::JSON::Object::Ptr toJson(const RelayGroup& group) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("id", group.id);
    Poco::JSON::Array::Ptr relays = new Poco::JSON::Array;
    // Tombstones travel with the live relays, so that every replica learns of a removal.
    for (const auto& relay : group.relays) relays->add(toJson(relay));
    for (const auto& relay : group.removed_relays) relays->add(toJson(relay));
    object->set("relays", relays);
    Poco::JSON::Array::Ptr terminals = new Poco::JSON::Array;
    for (const auto& terminal : group.terminals) terminals->add(toJson(terminal));
    object->set("terminals", terminals);
    return object;
}

RelayGroup groupFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where) {
    RelayGroup group;
    group.id = requireString(object, "id", where);
    const auto relays = requireArray(object, "relays", where);
    for (std::size_t i = 0; i < relays->size(); ++i) {
        auto relay = groupRelayFromJson(objectAt(relays, i, where + ".relays"), where + ".relays");
        (relay.removed ? group.removed_relays : group.relays).push_back(std::move(relay));
    }
    const auto terminals = requireArray(object, "terminals", where);
    for (std::size_t i = 0; i < terminals->size(); ++i)
        group.terminals.push_back(terminalFromJson(objectAt(terminals, i, where + ".terminals"), where + ".terminals"));
    return group;
}

Poco::JSON::Object::Ptr toJson(const Share& share) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("id", share.id);
    object->set("group_id", share.group_id);
    object->set("name", share.name);
    object->set("creator", share.creator);
    object->set("members", toArray(share.members));
    object->set("version", share.version);
    object->set("removed", share.removed);
    return object;
}

Share shareFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where) {
    Share share;
    share.id = requireString(object, "id", where);
    share.group_id = requireString(object, "group_id", where);
    share.name = requireName(object, "name", where, kMaxShareNameBytes);
    share.creator = requireAccount(object, "creator", where);
    share.members = requireAccounts(object, "members", where);
    share.version = requireInt(object, "version", where);
    share.removed = requireBool(object, "removed", where);
    return share;
}

Poco::JSON::Object::Ptr toJson(const ResourceEntry& entry) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("share_id", entry.share_id);
    object->set("name", entry.name);
    object->set("owner", entry.owner);
    object->set("location", entry.location);
    object->set("status", entry.status);
    object->set("kind", std::string(sdk::toString(entry.details.kind)));
    object->set("modified_ms", entry.details.modified_ms);
    // JSON numbers are signed 64-bit here; sizes beyond 2^63 bytes do not occur.
    object->set("size", static_cast<std::int64_t>(entry.details.size));
    object->set("hash", entry.details.hash);
    object->set("version", entry.version);
    object->set("removed", entry.removed);
    return object;
}

namespace {
constexpr std::string_view kEntryKeys[] = {"share_id", "name", "owner",   "location", "status", "kind",
                                           "modified_ms", "size", "hash", "version",  "removed"};
}  // namespace

json::Scalar* EntryFields::field(std::string_view key) {
    json::Scalar* fields[] = {&share_id, &name, &owner, &location, &status, &kind,
                              &modified_ms, &size, &hash, &version, &removed};
    for (std::size_t i = 0; i < std::size(kEntryKeys); ++i)
        if (kEntryKeys[i] == key) return fields[i];
    return nullptr;
}

ResourceEntry entryFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where) {
    EntryFields fields;
    for (const auto key : kEntryKeys) *fields.field(key) = json::scalarOf(object, std::string(key));
    return entryFromFields(fields, where);
}

ResourceEntry entryFromFields(EntryFields& fields, const std::string& where) {
    ResourceEntry entry;
    entry.share_id = requireString(fields.share_id, "share_id", where);
    entry.name = requireName(fields.name, "name", where, kMaxResourceNameBytes);
    entry.owner = requireAccount(fields.owner, "owner", where);
    entry.location = requireName(fields.location, "location", where, kMaxLocationBytes);
    entry.status = requireString(fields.status, "status", where);
    const auto kind = requireString(fields.kind, "kind", where);
    if (kind != "file" && kind != "folder")
        throw ProtocolError("field '" + where + ".kind' must be \"file\" or \"folder\"");
    entry.details.kind = kind == "file" ? sdk::EntityKind::file : sdk::EntityKind::folder;
    entry.details.modified_ms = requireInt(fields.modified_ms, "modified_ms", where);
    const auto size = requireInt(fields.size, "size", where);
    if (size < 0) throw ProtocolError("field '" + where + ".size' must not be negative");
    entry.details.size = static_cast<std::uint64_t>(size);
    entry.details.hash = requireString(fields.hash, "hash", where);
    entry.version = requireInt(fields.version, "version", where);
    entry.removed = requireBool(fields.removed, "removed", where);
    if (entry.name.empty()) throw ProtocolError("field '" + where + ".name' is empty");
    return entry;
}

Poco::JSON::Array::Ptr toJson(const std::vector<ResourceEntry>& entries) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& entry : entries) array->add(toJson(entry));
    return array;
}

std::vector<ResourceEntry> entriesFromJson(const Poco::JSON::Object::Ptr& body, const std::string& key,
                                           const std::string& where) {
    const auto array = requireArray(body, key, where);
    std::vector<ResourceEntry> entries;
    for (std::size_t i = 0; i < array->size(); ++i)
        entries.push_back(entryFromJson(objectAt(array, i, where + "." + key), where + "." + key));
    return entries;
}

const std::vector<ResourceEntry>& entriesOf(const Message& message, std::vector<ResourceEntry>& storage) {
    if (message.entries) return *message.entries;
    storage = entriesFromJson(message.body, "entries", "body");
    return storage;
}

Poco::JSON::Object::Ptr toJson(const SyncReport& report) {
    // In reading order: operators see this object as it is (relaysync-admin --json).
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    object->set("sync_id", report.sync_id);
    object->set("share_id", report.share_id);
    object->set("checked", report.checked);
    object->set("unchanged", report.unchanged);
    object->set("changed", report.changed);
    object->set("gone", report.gone);
    object->set("recovered", report.recovered);
    object->set("unreachable", report.unreachable);
    object->set("unknown_resources", toArray(report.unknown_resources));
    object->set("unreachable_nodes", toArray(report.unreachable_nodes));
    object->set("problems", toArray(report.problems));
    object->set("more_unknown_resources", report.more_unknown_resources);
    object->set("more_unreachable_nodes", report.more_unreachable_nodes);
    object->set("more_problems", report.more_problems);
    object->set("changed_entries", toArray(report.changed_entries));
    object->set("gone_entries", toArray(report.gone_entries));
    object->set("recovered_entries", toArray(report.recovered_entries));
    object->set("unreachable_entries", toArray(report.unreachable_entries));
    object->set("more_changed_entries", report.more_changed_entries);
    object->set("more_gone_entries", report.more_gone_entries);
    object->set("more_recovered_entries", report.more_recovered_entries);
    object->set("more_unreachable_entries", report.more_unreachable_entries);
    return object;
}

SyncReport reportFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where) {
    SyncReport report;
    report.sync_id = requireString(object, "sync_id", where);
    report.share_id = requireString(object, "share_id", where);
    report.checked = requireInt(object, "checked", where);
    report.unchanged = requireInt(object, "unchanged", where);
    report.changed = requireInt(object, "changed", where);
    report.gone = requireInt(object, "gone", where);
    report.recovered = requireInt(object, "recovered", where);
    report.unreachable = requireInt(object, "unreachable", where);
    report.unknown_resources = requireStrings(object, "unknown_resources", where);
    report.unreachable_nodes = requireStrings(object, "unreachable_nodes", where);
    report.problems = requireStrings(object, "problems", where);
    const auto count = [&](const char* key) {
        const auto value = object->optValue<Poco::Int64>(key, 0);
        if (value < 0) throw ProtocolError("field '" + where + "." + key + "' must not be negative");
        return value;
    };
    report.more_unknown_resources = count("more_unknown_resources");
    report.more_unreachable_nodes = count("more_unreachable_nodes");
    report.more_problems = count("more_problems");
    // Entry lists: absent in a report made before they were (an admin client's older JSON).
    const auto names = [&](const char* key) {
        return object->has(key) ? requireStrings(object, key, where) : std::vector<std::string>{};
    };
    report.changed_entries = names("changed_entries");
    report.gone_entries = names("gone_entries");
    report.recovered_entries = names("recovered_entries");
    report.unreachable_entries = names("unreachable_entries");
    report.more_changed_entries = count("more_changed_entries");
    report.more_gone_entries = count("more_gone_entries");
    report.more_recovered_entries = count("more_recovered_entries");
    report.more_unreachable_entries = count("more_unreachable_entries");
    report.bound();  // a peer that sends more examples than the bound is cut here
    return report;
}

}  // namespace relaysync::core
