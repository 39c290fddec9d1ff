#pragma once
// What a call answers once its deadline has passed. The SDK asks for `unreachable` ("timed
// out"): core then knows nothing about the entity, and never takes it for gone.

#include <string>

#include "relaysync/sdk/status.h"

namespace storage_archive {

inline relaysync::sdk::Status timedOut(const std::string& doing) {
    return relaysync::sdk::Status::unreachable("timed out " + doing);
}

}  // namespace storage_archive
