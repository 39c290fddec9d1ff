#pragma once
// Bodies of synchronize, synchronize-instruction and synchronize-result.

#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "model/sync_report.h"

namespace relaysync::core {

struct SyncRequest {
    std::string sync_id;
    std::string share_id;
    std::vector<std::string> names;  // empty: the whole share

    Poco::JSON::Object::Ptr toBody() const;
    static SyncRequest fromBody(const Poco::JSON::Object::Ptr& body);
};

Poco::JSON::Object::Ptr reportBody(const SyncReport& report);

}  // namespace relaysync::core
