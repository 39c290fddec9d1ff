#include "local_path.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <system_error>

#include "local_status.h"

namespace relaysync::storage_local {

namespace fs = std::filesystem;

namespace {

using plugin_common::splitOnSlash;

// Linux gives up after 40 symlinks (MAXSYMLINKS); so do we, so that a loop cannot hang a call.
constexpr int kMaxSymlinks = 40;

sdk::Status escapes(const std::string& what) {
    return sdk::Status::invalidArgument(quoted(what) + " leads outside the store's root");
}

}  // namespace

bool isWithin(const fs::path& root, const fs::path& inner) {
    return std::mismatch(root.begin(), root.end(), inner.begin(), inner.end()).first == root.end();
}

sdk::Status resolveWithin(const fs::path& root, const fs::path& start,
                          const std::vector<std::string>& components, const std::string& what,
                          fs::path& resolved) {
    // `current` is always a real, symlink-free path; `pending` is what is left to walk, in order.
    // Symlink targets are spliced in front of `pending`, exactly as path resolution does.
    fs::path current = start;
    std::deque<std::string> pending(components.begin(), components.end());
    int symlinks = 0;

    // A failure is reported as the file system's only if it happened inside the root: what
    // lies outside is none of this store's business, even its absence.
    const auto failed = [&](const fs::path& at, int err) {
        fs::path meant = at;
        for (const auto& part : pending) meant /= part;
        if (!isWithin(root, meant.lexically_normal())) return escapes(what);
        return statusFromErrno(err, what);
    };

    while (!pending.empty()) {
        std::string name = std::move(pending.front());
        pending.pop_front();
        if (name.empty() || name == ".") continue;  // only from symlink targets
        if (name == "..") {
            // Safe lexically because `current` has no symlinks; the parent of "/" is "/".
            current = current.parent_path();
            continue;
        }
        fs::path next = current / name;
        struct ::stat st {};
        if (::lstat(next.c_str(), &st) != 0) return failed(next, errno);
        if (S_ISLNK(st.st_mode)) {
            if (++symlinks > kMaxSymlinks) return failed(next, ELOOP);
            std::error_code ec;
            const fs::path target = fs::read_symlink(next, ec);
            if (ec) return failed(next, ec.value());
            if (target.is_absolute()) current = "/";
            const auto parts = splitOnSlash(target.string());
            pending.insert(pending.begin(), parts.begin(), parts.end());
            continue;
        }
        if (!S_ISDIR(st.st_mode) && !pending.empty()) return failed(next, ENOTDIR);
        current = std::move(next);
    }
    if (!isWithin(root, current)) return escapes(what);
    resolved = std::move(current);
    return sdk::Status::ok();
}

}  // namespace relaysync::storage_local
