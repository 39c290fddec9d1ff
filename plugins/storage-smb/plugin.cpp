// Exports the "smb" resource store; its key table is what core validates profiles against and
// prints as help.

#include "relaysync/sdk/plugin.h"
#include "smb_store.h"

RELAYSYNC_PLUGIN(relaysync::sdk::ResourceStore, relaysync::storage_smb::SmbStore, "smb",
                 "Files and folders in a folder of a share on an SMB file server (libsmbclient)",
                 relaysync::storage_smb::kConfigKeys)
