#include "persistence/database_restore.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include <Poco/Data/Statement.h>

#include "persistence/database.h"

namespace relaysync::core {

namespace fs = std::filesystem;

namespace {

// The owner and mode the restored file takes: the replaced file's, else its folder's owner
// with the mode the daemon's own files get.
struct FileOwner {
    uid_t uid;
    gid_t gid;
    mode_t mode;
};

FileOwner ownerFor(const fs::path& database_file) {
    struct stat info {};
    if (::stat(database_file.c_str(), &info) == 0) return {info.st_uid, info.st_gid, info.st_mode & 07777};
    const auto folder = database_file.has_parent_path() ? database_file.parent_path() : fs::path(".");
    if (::stat(folder.c_str(), &info) != 0)
        throw fs::filesystem_error("cannot look at the database's folder", folder, std::error_code(errno, std::generic_category()));
    return {info.st_uid, info.st_gid, 0640};
}

void giveTo(const fs::path& file, const FileOwner& owner) {
    if (::chown(file.c_str(), owner.uid, owner.gid) != 0 || ::chmod(file.c_str(), owner.mode) != 0)
        throw fs::filesystem_error("cannot give the restored database its owner", file,
                                   std::error_code(errno, std::generic_category()));
}

// Removes `file` and SQLite's companions of it; a file that is not there is fine.
void removeWithCompanions(const fs::path& file) {
    for (const auto* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(file.string() + suffix);
}

}  // namespace

RestoredDatabase restoreDatabase(const std::string& database_file, const std::string& backup_file) {
    if (!fs::is_regular_file(backup_file))
        throw DatabaseError("backup '" + backup_file + "' is not a file");
    const fs::path target(database_file);
    const auto owner = ownerFor(target);
    const fs::path staged = target.string() + ".restoring";
    removeWithCompanions(staged);
    fs::copy_file(backup_file, staged);
    RestoredDatabase restored;
    try {
        {
            // Opening checks the file is a database this build reads, and migrates an older one.
            Database check("sqlite:" + staged.string());
            check.session() << "DELETE FROM meta WHERE name = 'epoch'", Poco::Data::Keywords::now;
        }
        Database fresh("sqlite:" + staged.string());  // draws the new epoch
        restored.schema_version = fresh.schemaVersion();
        restored.epoch = fresh.epoch();
    } catch (...) {
        removeWithCompanions(staged);
        throw;
    }
    // Closed: SQLite has folded its WAL back into the file. The old file's WAL and shared
    // memory must go too, or SQLite would replay the old database's pages onto the backup.
    try {
        giveTo(staged, owner);
        for (const auto* suffix : {"-wal", "-shm", "-journal"}) fs::remove(target.string() + suffix);
        fs::rename(staged, target);
    } catch (...) {
        removeWithCompanions(staged);
        throw;
    }
    return restored;
}

}  // namespace relaysync::core
