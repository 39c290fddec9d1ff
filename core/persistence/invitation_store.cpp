#include "persistence/invitation_store.h"

#include <Poco/Tuple.h>

using namespace Poco::Data::Keywords;

namespace relaysync::core {

namespace {
using InvitationRow = Poco::Tuple<std::string, std::string, std::string, std::string, Poco::Int64>;

std::vector<Invitation> fromRows(const std::vector<InvitationRow>& rows) {
    std::vector<Invitation> invitations;
    for (const auto& row : rows)
        invitations.push_back({row.get<0>(), row.get<1>(), row.get<2>(), row.get<3>(), row.get<4>()});
    return invitations;
}
}  // namespace

void InvitationStore::put(const Invitation& invitation) {
    std::string group = invitation.group_id, inviter = invitation.inviter, id = invitation.message_id,
                body = invitation.group_json;
    Poco::Int64 at = invitation.received_ms;
    session_ << "INSERT INTO invitations (group_id, inviter, message_id, body, received_ms) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (group_id) DO UPDATE SET inviter = excluded.inviter, message_id = excluded.message_id,"
                " body = excluded.body, received_ms = excluded.received_ms",
        use(group), use(inviter), use(id), use(body), use(at), now;
}

std::optional<Invitation> InvitationStore::find(const std::string& group_id) {
    std::string group = group_id;
    std::vector<InvitationRow> rows;
    session_ << "SELECT group_id, inviter, message_id, body, received_ms FROM invitations WHERE group_id = ?",
        into(rows), use(group), now;
    auto found = fromRows(rows);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<Invitation> InvitationStore::all() {
    std::vector<InvitationRow> rows;
    session_ << "SELECT group_id, inviter, message_id, body, received_ms FROM invitations ORDER BY received_ms, group_id",
        into(rows), now;
    return fromRows(rows);
}

void InvitationStore::remove(const std::string& group_id) {
    std::string group = group_id;
    session_ << "DELETE FROM invitations WHERE group_id = ?", use(group), now;
}

}  // namespace relaysync::core
