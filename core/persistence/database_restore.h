#pragma once
// Putting a backup of a node's SQLite database back in place (docs/deploy.md, "Backup").
//
// A copy is not enough: the backup carries the message-id epoch of the database it was taken
// from, and its counter is behind what the peers have already seen under that epoch, so they
// would drop the restored node's next messages as duplicates. The restored file gets a new
// epoch, which the peers take as a new sender database (docs/protocol.md §1, §2 step 3).

#include <string>

namespace relaysync::core {

struct RestoredDatabase {
    int schema_version = 0;
    std::string epoch;  // the new one
};

// Replaces `database_file` with `backup_file`: checks the backup opens as a database of a schema
// this build reads (migrating an older one), draws a new epoch, gives the file the owner and
// mode of the one it replaces (or of its folder when there is none), removes the old file's WAL
// and shared-memory files, and renames it into place. Nothing is changed if any step fails
// (DatabaseError, or std::filesystem::filesystem_error). The caller holds the instance lock.
RestoredDatabase restoreDatabase(const std::string& database_file, const std::string& backup_file);

}  // namespace relaysync::core
