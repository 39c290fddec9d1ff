#include "persistence/sync_store.h"

#include <sstream>

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Tuple.h>

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

namespace {
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
    return result;
}
}  // namespace

std::optional<SyncSession> SyncStore::session(const std::string& sync_id) {
    std::string id = sync_id;
    std::vector<std::string> bodies;
    session_ << "SELECT body FROM sync_sessions WHERE sync_id = ?", into(bodies), use(id), now;
    if (bodies.empty()) return std::nullopt;
    return sessionFromJson(sync_id, bodies.front());
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
    std::string id = session.sync_id, body = stringify(object);
    session_ << "INSERT INTO sync_sessions (sync_id, body) VALUES (?, ?)"
                " ON CONFLICT (sync_id) DO UPDATE SET body = excluded.body",
        use(id), use(body), now;
}

void SyncStore::removeSession(const std::string& sync_id) {
    std::string id = sync_id;
    session_ << "DELETE FROM sync_sessions WHERE sync_id = ?", use(id), now;
}

void SyncStore::putResult(const SyncReport& report) {
    std::string id = report.sync_id, body = stringify(toJson(report));
    Poco::Int64 seq = database_.nextCounter("sync_result");
    session_ << "INSERT INTO sync_results (sync_id, seq, body) VALUES (?, ?, ?)"
                " ON CONFLICT (sync_id) DO UPDATE SET body = excluded.body",
        use(id), use(seq), use(body), now;
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
    Poco::Int64 seq = database_.nextCounter("pending_check");
    std::string body = stringify(request);
    session_ << "INSERT INTO pending_checks (seq, body) VALUES (?, ?)", use(seq), use(body), now;
}

std::optional<SyncStore::PendingCheck> SyncStore::oldestPendingCheck() {
    std::vector<Poco::Tuple<Poco::Int64, std::string>> rows;
    session_ << "SELECT seq, body FROM pending_checks ORDER BY seq LIMIT 1", into(rows), now;
    if (rows.empty()) return std::nullopt;
    return PendingCheck{rows.front().get<0>(), parse(rows.front().get<1>())};
}

void SyncStore::removePendingCheck(std::int64_t seq) {
    Poco::Int64 key = seq;
    session_ << "DELETE FROM pending_checks WHERE seq = ?", use(key), now;
}

}  // namespace relaysync::core
