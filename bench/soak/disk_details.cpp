#include "disk_details.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace fs = std::filesystem;

namespace relaysync::soak {

namespace {

// As plugins/storage-local does: seconds and nanoseconds of st_mtim, cut to milliseconds.
std::int64_t modifiedMs(const struct ::stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

void addFolder(const fs::path& folder, DiskDetails& total) {
    std::error_code error;
    for (fs::directory_iterator item(folder, error), end; !error && item != end; item.increment(error)) {
        struct ::stat st {};
        if (::stat(item->path().c_str(), &st) != 0) continue;  // gone while we walk
        total.modified_ms = std::max(total.modified_ms, modifiedMs(st));
        if (S_ISDIR(st.st_mode))
            addFolder(item->path(), total);
        else
            total.size += static_cast<std::uint64_t>(st.st_size);
    }
}

}  // namespace

std::string utcMillis(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[40];
    const auto used = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + used, sizeof text - used, ".%03dZ", static_cast<int>(ms % 1000));
    return text;
}

std::string DiskDetails::describe() const {
    if (!exists) return "gone";
    return kind() + ", " + std::to_string(size) + " bytes, " + utcMillis(modified_ms);
}

DiskDetails diskDetails(const fs::path& path) {
    DiskDetails details;
    struct ::stat st {};
    if (::stat(path.c_str(), &st) != 0) return details;
    details.exists = true;
    details.modified_ms = modifiedMs(st);
    details.folder = S_ISDIR(st.st_mode);
    if (details.folder)
        addFolder(path, details);
    else
        details.size = static_cast<std::uint64_t>(st.st_size);
    return details;
}

}  // namespace relaysync::soak
