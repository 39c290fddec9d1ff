// Exports the "hash" entity checker; its key table is what core validates profiles against.

#include "hash_checker.h"
#include "relaysync/sdk/plugin.h"

RELAYSYNC_PLUGIN(relaysync::sdk::EntityChecker, relaysync::checker_hash::HashChecker, "hash",
                 "Content hashes (SHA-256 by default) read through the store, with a cache of unchanged files",
                 relaysync::checker_hash::kConfigKeys)
