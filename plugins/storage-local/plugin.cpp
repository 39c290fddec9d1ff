// Exports the "local" resource store. The key table is what core validates profiles against and
// prints as help; LocalStore reads the same key.

#include "local_store.h"
#include "relaysync/sdk/plugin.h"

namespace {

const relaysync::sdk::ConfigKey kKeys[] = {
    {"root", nullptr, "absolute path of the folder that holds the entities (required)"},
    {"marker", "", "name of a file that must exist directly in the root, e.g. .relaysync-root: while it is "
                   "missing the store is unreachable, so an unmounted drive never reads as empty"},
};

}  // namespace

RELAYSYNC_PLUGIN(relaysync::sdk::ResourceStore, relaysync::storage_local::LocalStore, "local",
                 "Files and folders under one folder of the local file system", kKeys)
