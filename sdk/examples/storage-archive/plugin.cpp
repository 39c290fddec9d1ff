// Exports the "archive" resource store. The key table is what relaysync validates a profile
// against and prints as help; ArchiveStore reads the same key.

#include "archive_store.h"
#include "relaysync/sdk/plugin.h"

namespace {

const relaysync::sdk::ConfigKey kKeys[] = {
    {"archive", nullptr, "absolute path of the tar or zip file whose members are the entities (required)"},
};

}  // namespace

RELAYSYNC_PLUGIN(relaysync::sdk::ResourceStore, storage_archive::ArchiveStore, "archive",
                 "Files and folders inside one tar or zip archive, read-only", kKeys)
