#include "admin/remote_commands.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iterator>

#include "admin/admin_reply.h"
#include "admin/share_reference.h"
#include "assembly/text_table.h"
#include "model/text_cell.h"
#include "protocol/json_fields.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

namespace {

// How long a browse is waited for, and a fetch-next at most (the CLI asks again).
constexpr std::chrono::seconds kBrowseWait{30};
constexpr std::chrono::milliseconds kMaxNextWait{5000};
// Items one browse gathers from its pages at most; beyond, they are counted in more_items.
constexpr std::size_t kMaxBrowsedItems = 1000000;

std::string text(const Poco::JSON::Object::Ptr& args, const std::string& name) {
    try {
        return json::requireString(args, name, "args");
    } catch (const ProtocolError& e) {
        throw CommandError(e.what());
    }
}

std::int64_t number(const Poco::JSON::Object::Ptr& args, const std::string& name, std::int64_t otherwise) {
    if (!args || !args->has(name)) return otherwise;
    try {
        return json::requireInt(args, name, "args");
    } catch (const ProtocolError& e) {
        throw CommandError(e.what());
    }
}

RemoteAccess& remoteOf(Node& node) {
    if (node.isRelay()) throw CommandError(node.account() + " is a relay, not a terminal");
    auto* remote = node.remoteAccess();
    if (!remote) throw CommandError(node.account() + " has not started yet");
    return *remote;
}

// What args name: the share (as every command names one; a full id with --owner even when this
// terminal does not hold it, so that the network gives its own answer), the entry and its owner.
RemoteTarget targetOf(Node& node, const Poco::JSON::Object::Ptr& args) {
    RemoteTarget target;
    const auto given = text(args, "share");
    target.entry = text(args, "name");
    target.path = json::optionalString(args, "path");
    target.owner = json::optionalString(args, "owner");
    while (!target.path.empty() && target.path.back() == '/') target.path.pop_back();
    if (const auto problem = nameProblem(target.entry, 1024); !problem.empty())
        throw CommandError("name '" + target.entry + "' " + problem);
    node.withEngine([&](EngineBase& engine) {
        try {
            target.share_id = engine.shares().record(given) ? given : resolveShareReference(engine.shares().shares(), given);
        } catch (const CommandError&) {
            if (target.owner.empty()) throw;
            target.share_id = given;
            return;
        }
        if (!target.owner.empty()) return;
        const auto entry = engine.shares().entry(target.share_id, target.entry);
        if (!entry || entry->removed)
            throw CommandError("no resource '" + target.entry + "' in share " + target.share_id);
        target.owner = entry->owner;
    });
    if (target.owner == node.account())
        throw CommandError("'" + target.entry + "' is this terminal's own: read it at its location");
    return target;
}

Poco::JSON::Object::Ptr refused(const RemoteMessage& error) {
    Poco::JSON::Object::Ptr reason = new Poco::JSON::Object;
    reason->set("code", std::string(wireName(error.code)));
    reason->set("reason", error.reason);
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    result->set("refused", reason);
    return result;
}

std::string localTime(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

}  // namespace

Poco::JSON::Object::Ptr browseCommand(Node& node, const Poco::JSON::Object::Ptr& args) {
    auto& remote = remoteOf(node);
    const auto target = targetOf(node, args);
    auto answer = remote.asker().browse(target, kBrowseWait);
    if (answer.type == RemoteType::remote_error) return refused(answer);
    // A large folder comes in pages, each as much as one answer carries on the owner's transport.
    while (answer.folder && answer.more_items > 0 && answer.items.size() < kMaxBrowsedItems) {
        auto page = remote.asker().browse(target, kBrowseWait, answer.items.size());
        if (page.type == RemoteType::remote_error) return refused(page);
        if (page.items.empty()) break;  // the folder shrank meanwhile
        answer.items.insert(answer.items.end(), std::make_move_iterator(page.items.begin()),
                            std::make_move_iterator(page.items.end()));
        answer.more_items = page.more_items;
    }
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    result->set("share_id", target.share_id);
    result->set("owner", target.owner);
    result->set("name", target.entry);
    result->set("path", target.path);
    result->set("kind", answer.folder ? "folder" : "file");
    result->set("size", static_cast<Poco::Int64>(answer.size));
    result->set("modified_ms", static_cast<Poco::Int64>(answer.modified_ms));
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    TextTable table({{"KIND"}, {"SIZE", TextTable::Align::right}, {"MODIFIED"}, {"NAME"}});
    const auto row = [&](bool folder, std::uint64_t size, std::int64_t modified_ms, const std::string& name) {
        table.addRow({folder ? "folder" : "file", folder ? "-" : std::to_string(size), localTime(modified_ms),
                      tableCell(name, 200)});
    };
    if (!answer.folder) row(false, static_cast<std::uint64_t>(answer.size), answer.modified_ms, target.path.empty() ? target.entry : target.path);
    for (const auto& item : answer.items) {
        Poco::JSON::Object::Ptr json = new Poco::JSON::Object;
        json->set("name", item.name);
        json->set("kind", item.folder ? "folder" : "file");
        json->set("size", static_cast<Poco::Int64>(item.size));
        json->set("modified_ms", static_cast<Poco::Int64>(item.modified_ms));
        items->add(json);
        row(item.folder, item.size, item.modified_ms, item.name + (item.folder ? "/" : ""));
    }
    result->set("items", items);
    result->set("more_items", static_cast<Poco::Int64>(answer.more_items));
    auto rendered = table.render();
    if (answer.more_items > 0) rendered += "(" + std::to_string(answer.more_items) + " more items not shown)\n";
    result->set("text", rendered);
    return result;
}

Poco::JSON::Object::Ptr fetchOpenCommand(Node& node, const Poco::JSON::Object::Ptr& args) {
    auto& remote = remoteOf(node);
    const auto target = targetOf(node, args);
    const auto offset = number(args, "offset", 0);
    if (offset < 0) throw CommandError("args.offset must not be negative");
    std::string transfer;
    try {
        transfer = remote.asker().open(target, static_cast<std::uint64_t>(offset), number(args, "expect_size", -1),
                                       number(args, "expect_modified_ms", 0));
    } catch (const std::invalid_argument& e) {
        throw CommandError(e.what());
    }
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    result->set("transfer", transfer);
    result->set("share_id", target.share_id);
    result->set("owner", target.owner);
    result->set("chunk_bytes", static_cast<Poco::Int64>(remote.asker().chunkBytes()));
    return result;
}

Poco::JSON::Object::Ptr fetchNextCommand(Node& node, const Poco::JSON::Object::Ptr& args) {
    auto& remote = remoteOf(node);
    const auto transfer = text(args, "transfer");
    const auto wait = std::clamp<std::int64_t>(number(args, "wait_ms", kMaxNextWait.count()), 0, kMaxNextWait.count());
    std::optional<RemoteMessage> next;
    try {
        next = remote.asker().next(transfer, std::chrono::milliseconds(wait));
    } catch (const std::invalid_argument& e) {
        throw CommandError(e.what());
    }
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    if (!next) {
        result->set("pending", true);
        return result;
    }
    if (next->type == RemoteType::remote_error) {
        remote.asker().close(transfer);
        return refused(*next);
    }
    result->set("offset", static_cast<Poco::Int64>(next->offset));
    result->set("size", static_cast<Poco::Int64>(next->size));
    result->set("modified_ms", static_cast<Poco::Int64>(next->modified_ms));
    result->set("last", next->last);
    result->set("hash", next->hash);
    result->set(kAttachment, std::move(next->data));  // raw, after the response line
    if (next->last) remote.asker().close(transfer);
    return result;
}

Poco::JSON::Object::Ptr fetchCloseCommand(Node& node, const Poco::JSON::Object::Ptr& args) {
    remoteOf(node).asker().close(text(args, "transfer"));
    return new Poco::JSON::Object;
}

Poco::JSON::Object::Ptr accessLogCommand(Node& node, const Poco::JSON::Object::Ptr& args) {
    auto* remote = node.remoteAccess();
    if (!remote) throw CommandError(node.account() + " has not started yet");
    const auto limit = number(args, "limit", 100);
    if (limit < 0) throw CommandError("args.limit must not be negative");
    Poco::JSON::Array::Ptr records = new Poco::JSON::Array;
    TextTable table({{"ENDED"}, {"KIND"}, {"ASKER"}, {"SHARE"}, {"ENTRY"}, {"OWNER"}, {"BYTES", TextTable::Align::right},
                     {"OUTCOME"}});
    for (const auto& record : remote->accessLog().records(static_cast<std::size_t>(limit))) {
        records->add(AccessLog::toJson(record));
        table.addRow({localTime(record.ended_ms), record.kind, tableCell(record.asker), tableCell(record.share_id, 30),
                      tableCell(record.path.empty() ? record.entry : record.entry + "/" + record.path),
                      tableCell(record.owner), std::to_string(record.bytes), tableCell(record.outcome, 80)});
    }
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    result->set("records", records);
    result->set("text", table.empty() ? std::string("No remote access recorded since the daemon started.\n") : table.render());
    return result;
}

}  // namespace relaysync::core
