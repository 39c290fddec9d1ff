#include "persistence/group_repository.h"

#include <Poco/Data/Statement.h>
#include <Poco/Tuple.h>

#include "persistence/sql_query.h"

using namespace Poco::Data::Keywords;

namespace relaysync::core {

std::vector<std::string> GroupRepository::groupIds() {
    std::vector<std::string> ids;
    session_ << "SELECT group_id FROM relay_groups ORDER BY group_id", into(ids), now;
    return ids;
}

bool GroupRepository::exists(const std::string& group_id) {
    Query known(database_, "SELECT 1 FROM relay_groups WHERE group_id = ?");
    return known.bind(group_id).next();
}

std::optional<RelayGroup> GroupRepository::find(const std::string& group_id) {
    if (!exists(group_id)) return std::nullopt;
    RelayGroup group;
    group.id = group_id;
    Query relays(database_, "SELECT relay_account, display_name, version, removed FROM group_relays WHERE group_id = ?"
                            " ORDER BY relay_account");
    relays.bind(group_id);
    while (relays.next()) {
        const bool removed = relays.integer(3) != 0;
        (removed ? group.removed_relays : group.relays)
            .push_back({relays.text(0), relays.text(1), relays.integer(2), removed});
    }
    Query terminals(database_, "SELECT terminal_account, relay_account, display_name, department, version"
                               " FROM group_terminals WHERE group_id = ? AND removed = 0 ORDER BY terminal_account");
    terminals.bind(group_id);
    while (terminals.next())
        group.terminals.push_back({terminals.text(0), terminals.text(1), terminals.text(2), terminals.text(3),
                                   terminals.integer(4), false});
    return group;
}

void GroupRepository::addGroup(const std::string& group_id) {
    std::string id = group_id;
    session_ << "INSERT INTO relay_groups (group_id) VALUES (?) ON CONFLICT (group_id) DO NOTHING", use(id), now;
}

std::optional<GroupRelay> GroupRepository::relayRecord(const std::string& group_id, const std::string& account) {
    Query record(database_,
                 "SELECT display_name, version, removed FROM group_relays WHERE group_id = ? AND relay_account = ?");
    if (!record.bind(group_id).bind(account).next()) return std::nullopt;
    return GroupRelay{account, record.text(0), record.integer(1), record.integer(2) != 0};
}

bool GroupRepository::putRelay(const std::string& group_id, const GroupRelay& relay) {
    const auto stored = relayRecord(group_id, relay.account);
    std::string id = group_id, account = relay.account;
    if (stored && !relay.supersedes(*stored)) {
        if (!stored->removed && !relay.removed && relay.version == stored->version)
            setRelayDisplayName(group_id, relay.account, relay.display_name);
        return false;
    }
    std::string name = relay.display_name.empty() && stored ? stored->display_name : relay.display_name;
    Poco::Int64 version = relay.version;
    int removed = relay.removed ? 1 : 0;
    session_ << "INSERT INTO group_relays (group_id, relay_account, display_name, version, removed) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (group_id, relay_account) DO UPDATE SET display_name = excluded.display_name,"
                " version = excluded.version, removed = excluded.removed",
        use(id), use(account), use(name), use(version), use(removed), now;
    // A relay speaks for its terminals; once it is out of the group, so are they.
    if (relay.removed)
        session_ << "DELETE FROM group_terminals WHERE group_id = ? AND relay_account = ?", use(id), use(account), now;
    return true;
}

bool GroupRepository::setRelayDisplayName(const std::string& group_id, const std::string& account,
                                          const std::string& name) {
    if (name.empty()) return false;
    std::string id = group_id, who = account, display = name;
    Poco::Data::Statement update(session_);
    update << "UPDATE group_relays SET display_name = ? WHERE group_id = ? AND relay_account = ? AND removed = 0"
              " AND display_name <> ?",
        use(display), use(id), use(who), use(display);
    return update.execute() > 0;
}

std::optional<ShareableTerminal> GroupRepository::terminalRecord(const std::string& group_id,
                                                                 const std::string& account) {
    Query record(database_, "SELECT relay_account, display_name, department, version, removed FROM group_terminals"
                            " WHERE group_id = ? AND terminal_account = ?");
    if (!record.bind(group_id).bind(account).next()) return std::nullopt;
    return ShareableTerminal{account,           record.text(0),         record.text(1), record.text(2),
                             record.integer(3), record.integer(4) != 0};
}

bool GroupRepository::putTerminalIfNewer(const std::string& group_id, const ShareableTerminal& terminal) {
    const auto stored = terminalRecord(group_id, terminal.account);
    if (stored && stored->version >= terminal.version) return false;
    // An admitted terminal belongs to its relay: no other relay can take or remove it.
    if (stored && !stored->removed && stored->relay != terminal.relay) return false;
    std::string id = group_id, account = terminal.account, relay = terminal.relay, name = terminal.display_name,
                department = terminal.department;
    Poco::Int64 version = terminal.version;
    int removed = terminal.removed ? 1 : 0;
    session_ << "INSERT INTO group_terminals (group_id, terminal_account, relay_account, display_name, department,"
                " version, removed) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, terminal_account) DO UPDATE SET"
                " relay_account = excluded.relay_account, display_name = excluded.display_name,"
                " department = excluded.department, version = excluded.version, removed = excluded.removed",
        use(id), use(account), use(relay), use(name), use(department), use(version), use(removed), now;
    return true;
}

bool GroupRepository::isTerminal(const std::string& account) {
    Query known(database_, "SELECT 1 FROM group_terminals WHERE terminal_account = ? LIMIT 1");
    return known.bind(account).next();
}

bool GroupRepository::isTerminalOf(const std::string& terminal, const std::string& relay) {
    Query known(database_, "SELECT 1 FROM group_terminals WHERE terminal_account = ? AND relay_account = ?"
                           " AND removed = 0 LIMIT 1");
    return known.bind(terminal).bind(relay).next();
}

void GroupRepository::markLeft(const std::string& group_id, std::int64_t version) {
    std::string id = group_id;
    Poco::Int64 value = version;
    session_ << "INSERT INTO left_groups (group_id, version) VALUES (?, ?)"
                " ON CONFLICT (group_id) DO UPDATE SET version = excluded.version",
        use(id), use(value), now;
}

std::optional<std::int64_t> GroupRepository::leftVersion(const std::string& group_id) {
    Query left(database_, "SELECT version FROM left_groups WHERE group_id = ?");
    if (!left.bind(group_id).next()) return std::nullopt;
    return left.integer(0);
}

void GroupRepository::forgetLeft(const std::string& group_id) {
    std::string id = group_id;
    session_ << "DELETE FROM left_groups WHERE group_id = ?", use(id), now;
}

void GroupRepository::removeGroup(const std::string& group_id) {
    std::string id = group_id;
    session_ << "DELETE FROM group_terminals WHERE group_id = ?", use(id), now;
    session_ << "DELETE FROM group_relays WHERE group_id = ?", use(id), now;
    session_ << "DELETE FROM relay_groups WHERE group_id = ?", use(id), now;
}

}  // namespace relaysync::core
