#include "local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "local_path.h"
#include "local_status.h"

namespace relaysync::storage_local {

namespace fs = std::filesystem;

namespace {

fs::path rootFromConfig(const sdk::PluginConfig& config) {
    const auto it = config.find("root");
    if (it == config.end())
        throw std::invalid_argument("local store: the required key 'root' is missing");
    const std::string& value = it->second;
    if (value.empty())
        throw std::invalid_argument("local store: 'root' is empty; give the absolute path of the folder holding the entities");
    if (value.find('\0') != std::string::npos)
        throw std::invalid_argument("local store: 'root' contains a NUL byte");
    fs::path root(value);
    // A relative root would depend on the working directory of whichever program loads us.
    if (!root.is_absolute())
        throw std::invalid_argument("local store: 'root' must be an absolute path, not '" + value + "'");
    root = root.lexically_normal();
    // "/srv/share/" and "/srv/share" are one root: keep one spelling for describe().
    if (!root.has_filename() && root.has_relative_path()) root = root.parent_path();
    return root;
}

std::string markerFromConfig(const sdk::PluginConfig& config) {
    const auto it = config.find("marker");
    if (it == config.end() || it->second.empty()) return {};
    const std::string& name = it->second;
    if (name == "." || name == ".." || name.find('/') != std::string::npos || name.find('\0') != std::string::npos)
        throw std::invalid_argument("local store: 'marker' must be one file name inside the root, not '" + name + "'");
    return name;
}

sdk::Status timedOut(const std::string& path) {
    return sdk::Status::unreachable("timed out before " + quoted(path) + " could be reached");
}

// Exceptions must not cross the plugin boundary; the only ones expected here are bad_alloc.
template <class Body>
sdk::Status guarded(Body&& body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return sdk::Status::internal("local store: out of memory");
    } catch (const std::exception& e) {
        return sdk::Status::internal(std::string("local store: ") + e.what());
    } catch (...) {
        return sdk::Status::internal("local store: unknown exception");
    }
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    ~FileDescriptor() { if (fd_ >= 0) ::close(fd_); }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

struct DirCloser {
    void operator()(DIR* dir) const noexcept { ::closedir(dir); }
};

// Files and folders are entities; anything else (device, socket, fifo) is not, and reading a
// fifo would block forever.
sdk::Status entityKind(const struct ::stat& st, const std::string& path, sdk::EntityKind& kind) {
    if (S_ISDIR(st.st_mode)) {
        kind = sdk::EntityKind::folder;
    } else if (S_ISREG(st.st_mode)) {
        kind = sdk::EntityKind::file;
    } else if (S_ISLNK(st.st_mode)) {
        // Resolution just removed every symlink: someone replaced the entity meanwhile.
        return sdk::Status::ioError(quoted(path) + " changed while being read; try again");
    } else {
        return sdk::Status::invalidArgument(quoted(path) + " is neither a file nor a folder");
    }
    return sdk::Status::ok();
}

std::int64_t modifiedMs(const struct ::stat& st) {
    // tv_nsec is never negative, so this floors correctly for times before 1970 too.
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

// Kind, time, size and identity of an entity from its (symlink-free) stat.
sdk::Status detailsOf(const struct ::stat& st, const std::string& path, sdk::EntityDetails& details) {
    details = {};
    if (auto s = entityKind(st, path, details.kind); !s.isOk()) return s;
    details.modified_ms = modifiedMs(st);
    details.size = details.kind == sdk::EntityKind::file ? static_cast<std::uint64_t>(st.st_size) : 0;
    details.identity.device = static_cast<std::uint64_t>(st.st_dev);
    details.identity.file_id = static_cast<std::uint64_t>(st.st_ino);
    details.identity.changed_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
    return sdk::Status::ok();
}

bool isDotOrDotDot(const char* name) {
    return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

std::string errnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

std::string childPath(const std::string& folder, const std::string& name) {
    return folder.empty() ? name : folder + "/" + name;
}

// Where a symlink in a listed folder leads, symlink-free and inside the root (resolveWithin's answer).
using LinkResolver = std::function<sdk::Status(const std::string& name, const std::string& path, fs::path& target)>;

// How a listing shows the item `name` of the folder open as `folder_fd` (store path
// `folder_path`): with its details (true), or not at all. Devices, sockets and fifos are not
// entities. A symlink shows as what it points to if that is an entity inside the root; one that
// escapes, dangles or cannot be followed is left out, as stat would not report it either. The
// item's store path is spelled out only for a message or a symlink: a large folder makes none.
sdk::Status listedDetails(const LinkResolver& resolve_link, int folder_fd, const std::string& folder_path,
                          const std::string& name, sdk::EntityDetails& details, bool& shown) {
    shown = false;
    struct ::stat st {};
    if (::fstatat(folder_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        const int err = errno;
        return err == ENOENT ? sdk::Status::ok()  // removed since readdir saw it
                             : statusFromErrno(err, childPath(folder_path, name));
    }
    if (S_ISLNK(st.st_mode)) {
        fs::path target;
        if (!resolve_link(name, childPath(folder_path, name), target).isOk() || ::lstat(target.c_str(), &st) != 0)
            return sdk::Status::ok();
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) return sdk::Status::ok();
    // Only a directory or a regular file is left: detailsOf cannot fail, and needs no path.
    if (auto s = detailsOf(st, {}, details); !s.isOk()) return s;
    shown = true;
    return sdk::Status::ok();
}

}  // namespace

LocalStore::LocalStore(const sdk::PluginConfig& config)
    : root_(rootFromConfig(config)), marker_(markerFromConfig(config)) {}

std::string LocalStore::describe() const { return "local:" + root_.string(); }

void* LocalStore::extension(const char* name) {
    return std::string_view(name) == sdk::kContainedPathsExtension ? static_cast<sdk::ContainedPaths*>(this) : nullptr;
}

sdk::Status LocalStore::within(const sdk::CallContext& call, const std::string& folder, const std::string& path) {
    return guarded([&] {
        if (call.expired()) return timedOut(path);
        Location base, target;
        if (auto s = locate(folder, base); !s.isOk()) return s;
        if (auto s = locate(path, target); !s.isOk()) return s;
        // Both canonical: inside means the folder itself or a path below it, component-wise.
        const auto differ =
            std::mismatch(base.entity.begin(), base.entity.end(), target.entity.begin(), target.entity.end());
        if (differ.first == base.entity.end()) return sdk::Status::ok();
        return sdk::Status(sdk::StatusCode::permission_denied,
                           quoted(path) + " leads out of " + quoted(folder) + " (a symbolic link on the way)");
    });
}

std::uint32_t LocalStore::capabilities() const {
    return sdk::StoreCapability::list_details | sdk::StoreCapability::root_identity |
           sdk::StoreCapability::entity_identity | sdk::StoreCapability::content;
}

sdk::Status LocalStore::probe(const sdk::CallContext& call, sdk::RootProbe& probe) {
    return guarded([&] {
        probe = {};
        if (call.expired()) return timedOut("");
        fs::path root;
        if (auto s = reachRoot(root); !s.isOk()) return s;
        struct ::stat st {};
        if (::stat(root.c_str(), &st) != 0) return sdk::Status::unreachable("root " + root_.string() + ": " + errnoText(errno));
        probe.identity = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
        return sdk::Status::ok();
    });
}

sdk::Status LocalStore::reachRoot(fs::path& canonical_root) const {
    const auto unreachable = [this](const std::string& why) {
        return sdk::Status::unreachable("root " + root_.string() + " " + why);
    };
    std::error_code ec;
    canonical_root = fs::canonical(root_, ec);
    if (ec) return unreachable("cannot be reached: " + ec.message());
    struct ::stat st {};
    if (::stat(canonical_root.c_str(), &st) != 0) return unreachable("cannot be reached: " + errnoText(errno));
    if (!S_ISDIR(st.st_mode)) return unreachable("is not a folder");
    // Enter and list: what core needs of a root. AT_EACCESS: as this process, not its real user.
    if (::faccessat(AT_FDCWD, canonical_root.c_str(), R_OK | X_OK, AT_EACCESS) != 0)
        return unreachable("cannot be read: " + errnoText(errno));
    if (!marker_.empty()) {
        struct ::stat marker {};
        if (::lstat((canonical_root / marker_).c_str(), &marker) != 0 || !S_ISREG(marker.st_mode))
            return unreachable("does not hold its marker file '" + marker_ + "' (not mounted?)");
    }
    return sdk::Status::ok();
}

sdk::Status LocalStore::locate(const std::string& path, Location& location) const {
    std::vector<std::string> components;
    if (auto s = splitStorePath(path, components); !s.isOk()) return s;
    if (auto s = reachRoot(location.root); !s.isOk()) return s;
    return resolveWithin(location.root, location.root, components, path, location.entity);
}

int LocalStore::openBeneath(const std::string& path, int flags) const {
    // The root as reachRoot requires it: a folder this process can list and enter, with its marker.
    const FileDescriptor root(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (root.get() < 0 || ::faccessat(root.get(), ".", R_OK | X_OK, AT_EACCESS) != 0) return -1;
    if (!marker_.empty()) {
        struct ::stat marker {};
        if (::fstatat(root.get(), marker_.c_str(), &marker, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(marker.st_mode))
            return -1;
    }
    // No symlink anywhere (the last component included: O_NOFOLLOW), nothing above the root.
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags | O_NOFOLLOW | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(::syscall(SYS_openat2, root.get(), path.empty() ? "." : path.c_str(), &how, sizeof how));
}

sdk::Status LocalStore::stat(const sdk::CallContext& call, const std::string& path, sdk::EntityDetails& details) {
    return guarded([&] {
        details = {};
        if (call.expired()) return timedOut(path);
        std::vector<std::string> components;
        if (auto s = splitStorePath(path, components); !s.isOk()) return s;
        if (const FileDescriptor entity(openBeneath(path, O_PATH)); entity.get() >= 0) {
            struct ::stat st {};
            if (::fstat(entity.get(), &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
                return detailsOf(st, path, details);
        }
        Location at;
        if (auto s = locate(path, at); !s.isOk()) return s;
        struct ::stat st {};
        if (::lstat(at.entity.c_str(), &st) != 0) return statusFromErrno(errno, path);
        sdk::EntityDetails found;
        if (auto s = detailsOf(st, path, found); !s.isOk()) return s;
        details = std::move(found);
        return sdk::Status::ok();
    });
}

sdk::Status LocalStore::list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) {
    return guarded([&] {
        items.clear();
        if (call.expired()) return timedOut(path);
        std::vector<std::string> components;
        if (auto s = splitStorePath(path, components); !s.isOk()) return s;
        // The folder's canonical path and the root's, only when a symlink in it needs them.
        Location at;
        bool located = false;
        int fd = openBeneath(path, O_RDONLY | O_DIRECTORY);
        if (fd < 0) {
            if (auto s = locate(path, at); !s.isOk()) return s;
            located = true;
            struct ::stat st {};
            if (::lstat(at.entity.c_str(), &st) != 0) return statusFromErrno(errno, path);
            sdk::EntityKind kind{};
            if (auto s = entityKind(st, path, kind); !s.isOk()) return s;
            if (kind != sdk::EntityKind::folder)
                return sdk::Status::invalidArgument(quoted(path) + " is a file, not a folder");
            fd = ::open(at.entity.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) return statusFromErrno(errno, path);
        }
        const LinkResolver resolve_link = [&](const std::string& name, const std::string& item, fs::path& target) {
            if (!located) {
                if (auto s = locate(path, at); !s.isOk()) return s;
                located = true;
            }
            return resolveWithin(at.root, at.entity, {name}, item, target);
        };
        std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd));
        if (!dir) {
            const int err = errno;
            ::close(fd);
            return statusFromErrno(err, path);
        }

        sdk::FolderListing found;
        found.reserve(64);  // fewer moves of items while a folder of many is read
        for (;;) {
            errno = 0;  // readdir tells the end from a failure only through errno
            const dirent* entry = ::readdir(dir.get());
            if (!entry) {
                if (errno != 0) return statusFromErrno(errno, path);
                break;
            }
            if (isDotOrDotDot(entry->d_name)) continue;
            // A folder of a million items is a long listing: the deadline holds within it too.
            if (found.size() % 256 == 255 && call.expired()) return timedOut(path);

            auto& item = found.emplace_back();
            item.name = entry->d_name;
            bool shown = false;
            if (auto s = listedDetails(resolve_link, ::dirfd(dir.get()), path, item.name, item.details, shown); !s.isOk())
                return s;
            if (!shown) found.pop_back();
        }
        items = std::move(found);
        return sdk::Status::ok();
    });
}

sdk::Status LocalStore::read(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                             std::size_t max_bytes, std::vector<char>& bytes) {
    return guarded([&] {
        bytes.clear();
        if (call.expired()) return timedOut(path);
        std::vector<std::string> components;
        if (auto s = splitStorePath(path, components); !s.isOk()) return s;
        // O_NONBLOCK: opening a fifo must not wait for a writer; it is refused just below.
        int fd = openBeneath(path, O_RDONLY | O_NONBLOCK);
        if (fd < 0) {
            Location at;
            if (auto s = locate(path, at); !s.isOk()) return s;
            // O_NOFOLLOW: the resolved path has no symlink, so one appearing now is a swap to refuse.
            fd = ::open(at.entity.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) return statusFromErrno(errno, path);
        }
        const FileDescriptor file(fd);
        struct ::stat st {};
        if (::fstat(file.get(), &st) != 0) return statusFromErrno(errno, path);
        sdk::EntityKind kind{};
        if (auto s = entityKind(st, path, kind); !s.isOk()) return s;
        if (kind != sdk::EntityKind::file)
            return sdk::Status::invalidArgument(quoted(path) + " is a folder, not a file");

        const auto size = static_cast<std::uint64_t>(st.st_size);
        if (offset >= size || max_bytes == 0) return sdk::Status::ok();
        // Sized by what the file holds, not by max_bytes, which may be huge.
        const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes, size - offset));
        std::vector<char> chunk(wanted);
        std::size_t got = 0;
        while (got < wanted) {
            const ::ssize_t n = ::pread(file.get(), chunk.data() + got, wanted - got,
                                        static_cast<::off_t>(offset + got));
            if (n < 0) {
                if (errno == EINTR) continue;
                return statusFromErrno(errno, path);
            }
            if (n == 0) break;  // the file shrank since fstat
            got += static_cast<std::size_t>(n);
            if (got < wanted && call.expired()) return timedOut(path);
        }
        chunk.resize(got);
        bytes = std::move(chunk);
        return sdk::Status::ok();
    });
}

}  // namespace relaysync::storage_local
