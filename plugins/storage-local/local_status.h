#pragma once
// Turns a failed system call into the Status a store reports, so that every method classifies
// errors the same way.

#include <string>

#include "relaysync/sdk/status.h"
#include "store_path.h"

namespace relaysync::storage_local {

// `err` is the errno of a call made on the entity `what` (a store-relative path, for the message).
// Missing things are not_found, refused access is permission_denied, the rest io_error.
sdk::Status statusFromErrno(int err, const std::string& what);

using plugin_common::quoted;

}  // namespace relaysync::storage_local
