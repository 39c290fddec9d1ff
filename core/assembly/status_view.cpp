#include "assembly/status_view.h"

#include <algorithm>
#include <ctime>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSONString.h>

#include "assembly/plain_units.h"
#include "assembly/text_table.h"
#include "model/text_cell.h"
#include "protocol/bodies.h"

namespace relaysync::core {

namespace {

using Column = TextTable::Column;
using Align = TextTable::Align;

Poco::JSON::Object::Ptr orderedObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Array::Ptr stringArray(const std::vector<std::string>& values) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& value : values) array->add(value);
    return array;
}

std::string joinLines(const std::vector<std::string>& values) {
    std::string text;
    for (const auto& value : values) text += (text.empty() ? "" : "\n") + value;
    return text;
}

std::string roleWord(NodeRole role) { return std::string(toString(role)); }

}  // namespace

std::string isoUtc(std::int64_t milliseconds) {
    // Floor, so that times before the epoch still round down to their second.
    const std::int64_t seconds = milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000);
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    if (!gmtime_r(&time, &parts)) return "?";
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

NodeStatus readNodeSummary(EngineBase& engine, NodeRole role) {
    NodeStatus status;
    status.account = engine.account();
    status.role = role;
    auto group_ids = engine.groups().groupIds();
    std::sort(group_ids.begin(), group_ids.end());
    for (const auto& id : group_ids)
        if (auto group = engine.groups().find(id)) status.groups.push_back(std::move(*group));
    status.syncs = engine.syncs().results();
    return status;
}

NodeStatus readNodeStatus(EngineBase& engine, NodeRole role) {
    auto status = readNodeSummary(engine, role);
    auto shares = engine.shares().shares();
    std::sort(shares.begin(), shares.end(), [](const Share& a, const Share& b) { return a.id < b.id; });
    for (auto& share : shares) {
        auto entries = engine.shares().entries(share.id);
        std::sort(entries.begin(), entries.end(),
                  [](const ResourceEntry& a, const ResourceEntry& b) { return a.name < b.name; });
        status.shares.push_back({std::move(share), std::move(entries)});
    }
    return status;
}

NodeStatus readNodeStatus(Node& node) {
    const auto role = node.isRelay() ? NodeRole::relay : NodeRole::terminal;
    return node.withEngine([role](EngineBase& engine) { return readNodeStatus(engine, role); });
}

std::string renderGroupTable(const NodeStatus& status) {
    if (status.groups.empty()) return "Relay groups: none\n";
    TextTable relays({{"GROUP"}, {"RELAY"}, {"DISPLAY NAME"}});
    TextTable terminals({{"GROUP"}, {"SHAREABLE TERMINAL"}, {"RELAY"}, {"DISPLAY NAME"}, {"DEPARTMENT"}});
    for (const auto& group : status.groups) {
        for (const auto& relay : group.relays) relays.addRow({group.id, relay.account, relay.display_name});
        for (const auto& terminal : group.terminals)
            terminals.addRow({group.id, terminal.account, terminal.relay, terminal.display_name, terminal.department});
    }
    std::string out = "Relay groups\n" + relays.render("  ");
    out += "Resource-shareable terminals\n";
    out += terminals.empty() ? "  none\n" : terminals.render("  ");
    return out;
}

namespace {

std::string renderEntries(const std::vector<ResourceEntry>& entries) {
    if (entries.empty()) return "  none\n";
    TextTable table({{"NAME"}, {"OWNER"}, {"LOCATION"}, {"STATUS"}, {"KIND"}, {"SIZE", Align::right},
                     {"MODIFIED", Align::left}, {"VERSION", Align::right}});
    for (const auto& entry : entries)
        table.addRow({entry.name, entry.owner, entry.location, entry.status, sdk::toString(entry.details.kind),
                      plainSize(entry.details.size), localTime(entry.details.modified_ms),
                      std::to_string(entry.version)});
    return table.render("  ");
}

bool continuesAPage(const NodeStatus& status) { return status.page && status.page->continued; }

}  // namespace

std::string renderShareTable(const NodeStatus& status) {
    std::string out;
    if (!continuesAPage(status)) {
        if (status.shares.empty()) return "Shared resources: none\n";
        const bool counted = std::any_of(status.shares.begin(), status.shares.end(),
                                         [](const ShareStatus& each) { return each.entry_count.has_value(); });
        std::vector<Column> columns{{"SHARE"}, {"NAME"}, {"GROUP"}, {"MEMBERS"}};
        if (counted) columns.push_back({"ENTRIES", Align::right});
        TextTable shares(columns);
        for (const auto& each : status.shares) {
            const auto& share = each.share;
            std::vector<std::string> row{share.id, share.name, share.group_id, joinLines(share.members)};
            if (counted) row.push_back(each.entry_count ? std::to_string(*each.entry_count) : "");
            shares.addRow(row);
        }
        out = "Shared resources\n" + shares.render("  ");
    }
    for (const auto& each : status.shares) {
        if (!each.on_page) continue;
        out += "Entries of " + each.share.name + " (" + each.share.id + ")" + (each.continued ? ", continued" : "") + "\n";
        out += renderEntries(each.entries);
    }
    return out;
}

std::string renderNodeStatus(const NodeStatus& status) {
    if (continuesAPage(status)) return renderShareTable(status);
    return "== " + status.account + " (" + roleWord(status.role) + ")\n" + renderGroupTable(status) +
           renderShareTable(status);
}

std::string renderSyncReport(const SyncReport& report) {
    TextTable table({{"SYNCHRONIZE"}, {"SHARE"}, {"CHECKED", Align::right}, {"UNCHANGED", Align::right},
                     {"CHANGED", Align::right}, {"GONE", Align::right}, {"RECOVERED", Align::right},
                     {"UNREACHABLE", Align::right}});
    table.addRow({report.sync_id, report.share_id, std::to_string(report.checked), std::to_string(report.unchanged),
                  std::to_string(report.changed), std::to_string(report.gone), std::to_string(report.recovered),
                  std::to_string(report.unreachable)});
    std::string out = table.render();
    const auto more = [&](std::int64_t count, const std::string& what) {
        if (count > 0) out += "and " + std::to_string(count) + " more " + what + "\n";
    };
    for (const auto& name : report.unknown_resources) out += "not in the share: " + name + "\n";
    more(report.more_unknown_resources, "not in the share");
    for (const auto& node : report.unreachable_nodes) out += "could not be reached: " + node + "\n";
    more(report.more_unreachable_nodes, "that could not be reached");
    for (const auto& problem : report.problems) out += "problem: " + problem + "\n";
    more(report.more_problems, "problems");
    const auto entries = [&](const std::vector<std::string>& list, std::int64_t count, const std::string& what) {
        for (const auto& entry : list) out += what + ": " + tableCell(entry) + "\n";
        more(count, what);
    };
    entries(report.changed_entries, report.more_changed_entries, "changed");
    entries(report.gone_entries, report.more_gone_entries, "gone");
    entries(report.recovered_entries, report.more_recovered_entries, "recovered");
    entries(report.unreachable_entries, report.more_unreachable_entries, "unreachable");
    return out;
}

// The protocol's own form: the admin channel shows reports as the nodes send them.
Poco::JSON::Object::Ptr syncReportToJson(const SyncReport& report) { return toJson(report); }

Poco::JSON::Object::Ptr statusToJson(const NodeStatus& status) {
    auto object = orderedObject();
    object->set("account", status.account);
    object->set("role", roleWord(status.role));

    Poco::JSON::Array::Ptr groups = new Poco::JSON::Array;
    for (const auto& group : status.groups) {
        auto item = orderedObject();
        item->set("id", group.id);
        Poco::JSON::Array::Ptr relays = new Poco::JSON::Array;
        for (const auto& relay : group.relays) {
            auto r = orderedObject();
            r->set("account", relay.account);
            r->set("display_name", relay.display_name);
            relays->add(r);
        }
        item->set("relays", relays);
        Poco::JSON::Array::Ptr terminals = new Poco::JSON::Array;
        for (const auto& terminal : group.terminals) {
            auto t = orderedObject();
            t->set("account", terminal.account);
            t->set("relay", terminal.relay);
            t->set("display_name", terminal.display_name);
            t->set("department", terminal.department);
            terminals->add(t);
        }
        item->set("terminals", terminals);
        groups->add(item);
    }
    object->set("groups", groups);

    Poco::JSON::Array::Ptr shares = new Poco::JSON::Array;
    std::size_t on_page = 0;
    for (const auto& each : status.shares) {
        const auto& share = each.share;
        const auto& entries = each.entries;
        on_page += entries.size();
        auto item = orderedObject();
        item->set("id", share.id);
        item->set("name", share.name);
        item->set("group_id", share.group_id);
        item->set("creator", share.creator);
        item->set("members", stringArray(share.members));
        item->set("version", share.version);
        if (each.entry_count) item->set("entry_count", static_cast<Poco::Int64>(*each.entry_count));
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& entry : entries) {
            auto e = orderedObject();
            e->set("name", entry.name);
            e->set("owner", entry.owner);
            e->set("location", entry.location);
            e->set("status", entry.status);
            e->set("kind", std::string(sdk::toString(entry.details.kind)));
            e->set("size", static_cast<Poco::UInt64>(entry.details.size));
            e->set("modified", isoUtc(entry.details.modified_ms));
            e->set("modified_ms", static_cast<Poco::Int64>(entry.details.modified_ms));
            e->set("hash", entry.details.hash);
            e->set("version", static_cast<Poco::Int64>(entry.version));
            list->add(e);
        }
        item->set("entries", list);
        shares->add(item);
    }
    object->set("shares", shares);

    Poco::JSON::Array::Ptr syncs = new Poco::JSON::Array;
    for (const auto& report : status.syncs) syncs->add(syncReportToJson(report));
    object->set("syncs", syncs);
    if (status.page) {
        auto page = orderedObject();
        page->set("limit", static_cast<Poco::UInt64>(status.page->limit));
        page->set("entries", static_cast<Poco::UInt64>(on_page));
        page->set("next", status.page->next);
        object->set("page", page);
    }
    return object;
}

std::string toJsonText(const Poco::JSON::Object::Ptr& object, unsigned indent) {
    std::ostringstream out;
    object->stringify(out, indent);
    return out.str();
}

}  // namespace relaysync::core
