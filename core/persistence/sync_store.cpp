#include "persistence/sync_store.h"

#include <sstream>

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Tuple.h>

#include "persistence/sql_query.h"
#include "protocol/bodies.h"
#include "protocol/json_fields.h"

using namespace Poco::Data::Keywords;

namespace relaysync::core {

namespace {
std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}
}  // namespace

StillChecking SyncSession::stillChecking() const {
    std::set<std::string> nodes;
    StillChecking result;
    for (const auto& node : waiting_for) {
        const auto reported = below.find(node);
        if (reported == below.end() || (reported->second.nodes.empty() && reported->second.more == 0)) {
            nodes.insert(node);
            continue;
        }
        nodes.insert(reported->second.nodes.begin(), reported->second.nodes.end());
        result.more += reported->second.more;
    }
    result.nodes.assign(nodes.begin(), nodes.end());
    return result;
}

namespace {
Poco::JSON::Object::Ptr stillCheckingJson(const StillChecking& still) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("nodes", json::toArray(still.nodes));
    object->set("more", still.more);
    return object;
}

StillChecking stillCheckingFromJson(const Poco::JSON::Object::Ptr& object) {
    return {json::requireStrings(object, "nodes", "sync_session"), object->optValue<Poco::Int64>("more", 0)};
}

SyncSession sessionFromJson(const std::string& sync_id, const std::string& body) {
    const auto object = parse(body);
    SyncSession result;
    result.sync_id = sync_id;
    result.opened_ms = object->optValue<Poco::Int64>("opened_ms", 0);
    result.deadline_ms = object->optValue<Poco::Int64>("deadline_ms", result.opened_ms + 15LL * 60 * 1000);
    result.reply_to = json::requireString(object, "reply_to", "sync_session");
    for (auto& node : json::requireStrings(object, "waiting_for", "sync_session")) result.waiting_for.insert(node);
    result.report = reportFromJson(json::requireObject(object, "report", "sync_session"), "sync_session.report");
    result.whole_share = object->optValue<bool>("whole_share", false);
    if (const auto digests = object->getObject("digests"))
        for (const auto& owner : digests->getNames()) result.digests[owner] = digests->getValue<std::string>(owner);
    if (object->has("repair_to"))
        for (auto& relay : json::requireStrings(object, "repair_to", "sync_session")) result.repair_to.insert(relay);
    if (const auto below = object->getObject("below"))
        for (const auto& node : below->getNames())
            result.below[node] = stillCheckingFromJson(json::requireObject(below, node, "sync_session.below"));
    if (const auto sent = object->getObject("progress_sent")) result.progress_sent = stillCheckingFromJson(sent);
    return result;
}
}  // namespace

std::optional<SyncSession> SyncStore::session(const std::string& sync_id) {
    Query select(database_, "SELECT body FROM sync_sessions WHERE sync_id = ?");
    if (!select.bind(sync_id).next()) return std::nullopt;
    return sessionFromJson(sync_id, select.text(0));
}

std::vector<SyncSession> SyncStore::sessions() {
    std::vector<Poco::Tuple<std::string, std::string>> rows;
    session_ << "SELECT sync_id, body FROM sync_sessions ORDER BY sync_id", into(rows), now;
    std::vector<SyncSession> result;
    for (const auto& row : rows) result.push_back(sessionFromJson(row.get<0>(), row.get<1>()));
    return result;
}

void SyncStore::putSession(const SyncSession& session) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("reply_to", session.reply_to);
    object->set("waiting_for", json::toArray({session.waiting_for.begin(), session.waiting_for.end()}));
    object->set("report", toJson(session.report));
    object->set("opened_ms", session.opened_ms);
    object->set("deadline_ms", session.deadline_ms);
    object->set("whole_share", session.whole_share);
    Poco::JSON::Object::Ptr digests = new Poco::JSON::Object;
    for (const auto& [owner, digest] : session.digests) digests->set(owner, digest);
    object->set("digests", digests);
    object->set("repair_to", json::toArray({session.repair_to.begin(), session.repair_to.end()}));
    Poco::JSON::Object::Ptr below = new Poco::JSON::Object;
    for (const auto& [node, still] : session.below) below->set(node, stillCheckingJson(still));
    object->set("below", below);
    if (session.progress_sent) object->set("progress_sent", stillCheckingJson(*session.progress_sent));
    Query upsert(database_, "INSERT INTO sync_sessions (sync_id, body) VALUES (?, ?)"
                            " ON CONFLICT (sync_id) DO UPDATE SET body = excluded.body");
    upsert.bind(session.sync_id).bind(stringify(object)).run();
}

void SyncStore::removeSession(const std::string& sync_id) {
    Query(database_, "DELETE FROM sync_sessions WHERE sync_id = ?").bind(sync_id).run();
}

void SyncStore::putResult(const SyncReport& report) {
    const auto seq = database_.nextCounter("sync_result");
    Query upsert(database_, "INSERT INTO sync_results (sync_id, seq, body) VALUES (?, ?, ?)"
                            " ON CONFLICT (sync_id) DO UPDATE SET body = excluded.body");
    upsert.bind(report.sync_id).bind(seq).bind(stringify(toJson(report))).run();
}

std::size_t SyncStore::pruneResults(std::size_t keep) { return database_.keepNewest("sync_results", keep); }

std::optional<SyncReport> SyncStore::result(const std::string& sync_id) {
    std::string id = sync_id;
    std::vector<std::string> bodies;
    session_ << "SELECT body FROM sync_results WHERE sync_id = ?", into(bodies), use(id), now;
    if (bodies.empty()) return std::nullopt;
    return reportFromJson(parse(bodies.front()), "sync_result");
}

std::vector<SyncReport> SyncStore::results() {
    std::vector<std::string> bodies;
    session_ << "SELECT body FROM sync_results ORDER BY seq", into(bodies), now;
    std::vector<SyncReport> reports;
    for (const auto& body : bodies) reports.push_back(reportFromJson(parse(body), "sync_result"));
    return reports;
}

void SyncStore::addPendingCheck(const Poco::JSON::Object::Ptr& request) {
    const auto seq = database_.nextCounter("pending_check");
    Query(database_, "INSERT INTO pending_checks (seq, body) VALUES (?, ?)").bind(seq).bind(stringify(request)).run();
    ++pending_checks_added_;
}

std::optional<SyncStore::PendingCheck> SyncStore::oldestPendingCheck() {
    Query oldest(database_, "SELECT seq, body FROM pending_checks ORDER BY seq LIMIT 1");
    if (!oldest.next()) return std::nullopt;
    return PendingCheck{oldest.integer(0), parse(oldest.text(1))};
}

void SyncStore::removePendingCheck(std::int64_t seq) {
    Query(database_, "DELETE FROM pending_checks WHERE seq = ?").bind(seq).run();
}

}  // namespace relaysync::core
