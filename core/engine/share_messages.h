#pragma once
// Bodies of create-shared-resource and policy-data: a share's definition, and with policy-data
// the records that go with it (docs/protocol.md §4.3).

#include <vector>

#include <Poco/JSON/Object.h>

#include "model/share.h"
#include "protocol/message.h"

namespace relaysync::core {

// create-shared-resource: a definition (the first, a later one, or a deletion), from its
// creator terminal to its relay.
struct ShareDefinition {
    Share share;

    Poco::JSON::Object::Ptr toBody() const;
    static ShareDefinition fromBody(const Poco::JSON::Object::Ptr& body);
};

// policy-data: a definition and records of the share, in one chunk under the size limit.
struct PolicyData {
    Share share;
    std::vector<ResourceEntry> entries;

    Poco::JSON::Object::Ptr toBody() const;
    static PolicyData fromBody(const Poco::JSON::Object::Ptr& body);
    // The same of a received message, whose entries decode() may have taken apart.
    static PolicyData of(const Message& message);
};

}  // namespace relaysync::core
