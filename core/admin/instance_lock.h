#pragma once
// One daemon per database: an advisory lock (flock) on a file next to the node's database,
// "<db file>.lock", or "<admin socket>.lock" when the database is not a SQLite file. The file
// holds the owner's pid as text, for the message a second daemon prints. Only the lock counts,
// never the file's presence: the kernel drops the lock when its holder dies, so a file left by
// a crashed daemon blocks nobody.
//
// flock rather than fcntl: fcntl locks belong to the process and vanish when *any* of its
// descriptors of the file is closed (a stray read of the pid would unlock it), and a second
// lock from the same process succeeds, so neither a test nor a mistake could see the conflict.

#include <string>

#include "admin/already_running.h"
#include "profile/profile.h"

namespace relaysync::core {

class InstanceLock {
public:
    // Takes the lock on `lock_path` without waiting and writes this process's pid into the
    // file. `what` names the resource in messages ("sqlite:/var/lib/relay1.db"). Throws
    // AlreadyRunning when another holds it, std::runtime_error when the file cannot be used.
    InstanceLock(std::string lock_path, std::string what);
    // Releases the lock and removes the file.
    ~InstanceLock();
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
};

// Where a node's lock file is, and what it guards as shown in messages: next to its SQLite
// file (symbolic links resolved, so two spellings of one database meet), else next to its
// admin socket (a PostgreSQL connection string is never shown: it may hold a password).
struct InstanceLockPlace {
    std::string path;
    std::string what;
};
// Throws ProfileError when the profile has neither a SQLite file nor an admin socket.
InstanceLockPlace instanceLockPlace(const Profile& profile);

}  // namespace relaysync::core
