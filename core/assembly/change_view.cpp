#include "assembly/change_view.h"

#include "model/text_cell.h"
#include "assembly/text_table.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

namespace {

using Align = TextTable::Align;

Poco::JSON::Object::Ptr orderedObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string cellLines(const std::vector<std::string>& values) {
    std::string text;
    for (const auto& value : values) {
        if (!text.empty()) text += '\n';
        text += tableCell(value);
    }
    return text;
}

}  // namespace

Poco::JSON::Object::Ptr shareChangeResult(const Share& share) {
    auto definition = orderedObject();
    definition->set("id", share.id);
    definition->set("name", share.name);
    definition->set("group_id", share.group_id);
    definition->set("creator", share.creator);
    definition->set("members", json::toArray(share.members));
    definition->set("version", share.version);
    definition->set("removed", share.removed);
    TextTable table({{"SHARE"}, {"NAME"}, {"GROUP"}, {"VERSION", Align::right}, {"STATE"}, {"MEMBERS"}});
    table.addRow({tableCell(share.id), tableCell(share.name), tableCell(share.group_id), std::to_string(share.version),
                  share.removed ? "deleted" : "shared", share.removed ? "" : cellLines(share.members)});
    auto result = orderedObject();
    result->set("share", definition);
    result->set("text", table.render());
    return result;
}

Poco::JSON::Object::Ptr removedResourceResult(const ResourceEntry& tombstone) {
    auto result = orderedObject();
    result->set("share_id", tombstone.share_id);
    result->set("name", tombstone.name);
    result->set("owner", tombstone.owner);
    result->set("location", tombstone.location);
    result->set("version", tombstone.version);
    result->set("removed", tombstone.removed);
    TextTable table({{"SHARE"}, {"NAME"}, {"OWNER"}, {"VERSION", Align::right}, {"STATE"}});
    table.addRow({tableCell(tombstone.share_id), tableCell(tombstone.name), tableCell(tombstone.owner),
                  std::to_string(tombstone.version), tombstone.removed ? "removed" : "shared"});
    result->set("text", table.render());
    return result;
}

Poco::JSON::Object::Ptr groupRelaysResult(const RelayGroup& group) {
    Poco::JSON::Array::Ptr relays = new Poco::JSON::Array;
    TextTable table({{"GROUP"}, {"RELAY"}, {"DISPLAY NAME"}, {"VERSION", Align::right}, {"STATE"}});
    for (const auto* list : {&group.relays, &group.removed_relays}) {
        for (const auto& relay : *list) {
            auto item = orderedObject();
            item->set("account", relay.account);
            item->set("display_name", relay.display_name);
            item->set("version", relay.version);
            item->set("removed", relay.removed);
            relays->add(item);
            table.addRow({tableCell(group.id), tableCell(relay.account), tableCell(relay.display_name),
                          std::to_string(relay.version), relay.removed ? "removed" : "in the group"});
        }
    }
    auto result = orderedObject();
    result->set("group_id", group.id);
    result->set("relays", relays);
    result->set("text", table.render());
    return result;
}

Poco::JSON::Object::Ptr leftGroupResult(const std::string& group_id, const GroupRelay& tombstone) {
    auto result = orderedObject();
    result->set("group_id", group_id);
    result->set("relay", tombstone.account);
    result->set("version", tombstone.version);
    result->set("removed", tombstone.removed);
    result->set("text", tableCell(tombstone.account) + " left group " + tableCell(group_id) + " (record version " +
                            std::to_string(tombstone.version) + "); its terminals were told to forget the group\n");
    return result;
}

}  // namespace relaysync::core
