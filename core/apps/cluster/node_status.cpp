#include "cluster/node_status.h"

#include <algorithm>

#include <Poco/JSON/Array.h>

#include "cluster/cluster_error.h"

namespace relaysync::cluster {

namespace {

using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;

// Field readers that name what is missing or mistyped.
class Reader {
public:
    Reader(Object object, std::string where) : object_(std::move(object)), where_(std::move(where)) {
        if (!object_) throw ClusterError(where_ + " is not a JSON object");
    }

    std::string text(const std::string& key) const {
        return convert<std::string>(key);
    }
    bool has(const std::string& key) const { return object_->has(key); }
    std::string optionalText(const std::string& key) const {
        return object_->has(key) ? text(key) : std::string();
    }
    template <class Number>
    Number number(const std::string& key) const {
        return convert<Number>(key);
    }
    std::vector<std::string> texts(const std::string& key) const {
        std::vector<std::string> values;
        const auto list = array(key);
        for (std::size_t i = 0; i < list->size(); ++i) values.push_back(list->get(static_cast<unsigned>(i)).toString());
        return values;
    }
    template <class Item, class Parse>
    std::vector<Item> items(const std::string& key, Parse&& parse) const {
        std::vector<Item> values;
        const auto list = array(key);
        for (std::size_t i = 0; i < list->size(); ++i)
            values.push_back(parse(Reader(list->getObject(static_cast<unsigned>(i)),
                                          where_ + "." + key + "[" + std::to_string(i) + "]")));
        return values;
    }

private:
    template <class Value>
    Value convert(const std::string& key) const {
        if (!object_->has(key) || object_->isNull(key)) throw ClusterError(where_ + " has no field '" + key + "'");
        try {
            return object_->get(key).convert<Value>();
        } catch (const Poco::Exception& e) {
            throw ClusterError(where_ + "." + key + ": " + e.displayText());
        }
    }
    Array array(const std::string& key) const {
        const auto list = object_->getArray(key);
        if (!list) throw ClusterError(where_ + " has no list '" + key + "'");
        return list;
    }

    Object object_;
    std::string where_;
};

template <class Item>
const Item* findBy(const std::vector<Item>& items, const std::string& value, std::string Item::*field) {
    for (const auto& item : items)
        if (item.*field == value) return &item;
    return nullptr;
}

SyncReportView readReport(const Reader& in) {
    SyncReportView report;
    report.sync_id = in.text("sync_id");
    report.share_id = in.text("share_id");
    report.checked = in.number<std::int64_t>("checked");
    report.unchanged = in.number<std::int64_t>("unchanged");
    report.changed = in.number<std::int64_t>("changed");
    report.gone = in.number<std::int64_t>("gone");
    report.recovered = in.number<std::int64_t>("recovered");
    report.unreachable = in.number<std::int64_t>("unreachable");
    report.unknown_resources = in.texts("unknown_resources");
    report.unreachable_nodes = in.texts("unreachable_nodes");
    report.problems = in.texts("problems");
    report.changed_entries = in.texts("changed_entries");
    report.gone_entries = in.texts("gone_entries");
    report.recovered_entries = in.texts("recovered_entries");
    report.unreachable_entries = in.texts("unreachable_entries");
    report.text = in.optionalText("text");
    return report;
}

}  // namespace

bool GroupView::hasRelay(const std::string& account) const { return findBy(relays, account, &GroupRelayView::account); }

const TerminalView* GroupView::terminal(const std::string& account) const {
    return findBy(terminals, account, &TerminalView::account);
}

const EntryView* ShareView::entry(const std::string& name) const { return findBy(entries, name, &EntryView::name); }

const GroupView* NodeStatusView::group(const std::string& id) const { return findBy(groups, id, &GroupView::id); }
const ShareView* NodeStatusView::share(const std::string& id) const { return findBy(shares, id, &ShareView::id); }
const ShareView* NodeStatusView::shareNamed(const std::string& name) const {
    return findBy(shares, name, &ShareView::name);
}

const EntryView* NodeStatusView::entry(const std::string& share_id, const std::string& name) const {
    const auto* found = share(share_id);
    return found ? found->entry(name) : nullptr;
}

SyncReportView parseSyncReport(const Poco::JSON::Object::Ptr& report) { return readReport(Reader(report, "report")); }

NodeStatusView parseNodeStatus(const Poco::JSON::Object::Ptr& status) {
    const Reader in(status, "status");
    NodeStatusView view;
    view.account = in.text("account");
    view.role = in.text("role");
    view.text = in.optionalText("text");
    view.groups = in.items<GroupView>("groups", [](const Reader& group) {
        GroupView item;
        item.id = group.text("id");
        item.relays = group.items<GroupRelayView>("relays", [](const Reader& relay) {
            return GroupRelayView{relay.text("account"), relay.text("display_name")};
        });
        item.terminals = group.items<TerminalView>("terminals", [](const Reader& terminal) {
            return TerminalView{terminal.text("account"), terminal.text("relay"), terminal.text("display_name"),
                                terminal.text("department")};
        });
        return item;
    });
    view.shares = in.items<ShareView>("shares", [](const Reader& share) {
        ShareView item;
        item.id = share.text("id");
        item.name = share.text("name");
        item.group_id = share.text("group_id");
        item.creator = share.text("creator");
        item.members = share.texts("members");
        item.version = share.number<std::int64_t>("version");
        if (share.has("entry_count")) item.entry_count = share.number<std::int64_t>("entry_count");
        item.entries = share.items<EntryView>("entries", [](const Reader& entry) {
            EntryView e;
            e.name = entry.text("name");
            e.owner = entry.text("owner");
            e.location = entry.text("location");
            e.status = entry.text("status");
            e.kind = entry.text("kind");
            e.size = entry.number<std::uint64_t>("size");
            e.modified_ms = entry.number<std::int64_t>("modified_ms");
            e.hash = entry.text("hash");
            e.version = entry.number<std::int64_t>("version");
            return e;
        });
        return item;
    });
    view.syncs = in.items<SyncReportView>("syncs", readReport);
    if (const auto page = status->getObject("page")) view.next = Reader(page, "status.page").text("next");
    return view;
}

NodeStatusView readAllPages(const std::function<Poco::JSON::Object::Ptr(const Poco::JSON::Object::Ptr& args)>& ask) {
    Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
    auto whole = parseNodeStatus(ask(args));
    for (auto next = whole.next; !next.empty();) {
        args->set("after", next);
        const auto page = parseNodeStatus(ask(args));
        for (const auto& share : page.shares) {
            const auto into = std::find_if(whole.shares.begin(), whole.shares.end(),
                                           [&](const ShareView& each) { return each.id == share.id; });
            if (into == whole.shares.end()) whole.shares.push_back(share);  // made since the first page
            else into->entries.insert(into->entries.end(), share.entries.begin(), share.entries.end());
        }
        next = page.next;
    }
    whole.next.clear();
    return whole;
}

}  // namespace relaysync::cluster
