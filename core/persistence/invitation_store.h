#pragma once
// Invitations into relay groups that wait for this relay's operator (patent Fig. 10: groups are
// formed by mutual consent).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/database.h"

namespace relaysync::core {

struct Invitation {
    std::string group_id;
    std::string inviter;     // the relay that sent group-info
    std::string message_id;  // of that group-info, answered once the operator decides
    std::string group_json;  // the group as the inviter described it
    std::int64_t received_ms = 0;
};

class InvitationStore {
public:
    explicit InvitationStore(Database& database) : session_(database.session()) {}

    // Keeps the newest invitation per group.
    void put(const Invitation& invitation);
    std::optional<Invitation> find(const std::string& group_id);
    std::vector<Invitation> all();
    void remove(const std::string& group_id);

private:
    Poco::Data::Session& session_;
};

}  // namespace relaysync::core
