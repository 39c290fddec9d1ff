#include "assembly/peer_view.h"

#include <map>

#include <Poco/JSON/Array.h>

#include "assembly/plain_units.h"
#include "assembly/status_view.h"
#include "assembly/text_table.h"
#include "model/text_cell.h"

namespace relaysync::core {
namespace {

const char* stateWord(sdk::Reachability state) {
    switch (state) {
    case sdk::Reachability::reachable: return "connected";
    case sdk::Reachability::unreachable: return "not connected";
    case sdk::Reachability::unknown: break;
    }
    return "unknown";  // a transport that learns it only by sending (SIP)
}

std::string isoOrEmpty(std::int64_t ms) { return ms > 0 ? isoUtc(ms) : std::string(); }
std::string localOrDash(std::int64_t ms) { return ms > 0 ? localTime(ms) : std::string("-"); }

}  // namespace

std::vector<PeerRow> readPeers(const std::vector<PeerRecord>& seen, const std::vector<OutboxRow>& outbox,
                               const std::function<sdk::Reachability(const std::string&)>& reachability) {
    std::map<std::string, PeerRow> rows;
    for (const auto& record : seen) {
        auto& row = rows[record.account];
        row.account = record.account;
        row.since_ms = record.since_ms;
        row.last_message_ms = record.last_message_ms;
    }
    for (const auto& waiting : outbox) {
        auto& row = rows[waiting.destination];
        row.account = waiting.destination;
        row.queued = waiting.waiting;
    }
    std::vector<PeerRow> result;
    result.reserve(rows.size());
    for (auto& [account, row] : rows) {
        row.state = reachability(account);
        result.push_back(std::move(row));
    }
    return result;
}

Poco::JSON::Object::Ptr peersResult(const std::vector<PeerRow>& rows) {
    Poco::JSON::Array::Ptr peers = new Poco::JSON::Array;
    TextTable table({{"PEER"}, {"STATE"}, {"SINCE"}, {"LAST MESSAGE"}, {"QUEUED", TextTable::Align::right}});
    for (const auto& row : rows) {
        Poco::JSON::Object::Ptr peer = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        peer->set("account", row.account);
        peer->set("state", std::string(stateWord(row.state)));
        peer->set("since", isoOrEmpty(row.since_ms));
        peer->set("last_message", isoOrEmpty(row.last_message_ms));
        peer->set("queued", static_cast<Poco::UInt64>(row.queued));
        peers->add(peer);
        table.addRow({tableCell(row.account), stateWord(row.state), localOrDash(row.since_ms),
                      localOrDash(row.last_message_ms), std::to_string(row.queued)});
    }
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    result->set("peers", peers);
    result->set("text", rows.empty() ? std::string("Peers: none seen yet\n") : "Peers\n" + table.render("  "));
    return result;
}

}  // namespace relaysync::core
