#pragma once
// The root identity each store prefix had when it was last accepted (StoreRouter::confirmRoot):
// kept across restarts, so that a root replaced while the node was down is still noticed.

#include <map>
#include <string>

#include "persistence/database.h"

namespace relaysync::core {

class StoreRootRecords {
public:
    explicit StoreRootRecords(Database& database) : session_(database.session()) {}

    std::map<std::string, std::string> all();
    // An empty identity forgets the prefix.
    void put(const std::string& prefix, const std::string& identity, std::int64_t now_ms);

private:
    Poco::Data::Session& session_;
};

}  // namespace relaysync::core
