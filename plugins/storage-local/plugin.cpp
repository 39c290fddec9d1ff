// Exports the "local" resource store. The key table is what core validates profiles against and
// prints as help; LocalStore reads the same key.

#include "local_store.h"
#include "relaysync/sdk/plugin.h"

namespace {

const relaysync::sdk::ConfigKey kKeys[] = {
    {"root", nullptr, "absolute path of the folder that holds the entities (required)"},
};

}  // namespace

RELAYSYNC_PLUGIN(relaysync::sdk::ResourceStore, relaysync::storage_local::LocalStore, "local",
                 "Files and folders under one folder of the local file system", kKeys)
