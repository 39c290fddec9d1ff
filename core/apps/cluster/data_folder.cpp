#include "cluster/data_folder.h"

#include <fstream>
#include <stdexcept>

namespace relaysync::cluster {

namespace fs = std::filesystem;

fs::path prepareDataFolder(const fs::path& requested, const std::string& program) {
    const auto dir = fs::absolute(requested).lexically_normal();
    const auto marker = "." + program;
    if (fs::exists(dir)) {
        if (!fs::is_directory(dir)) throw std::runtime_error("data folder " + dir.string() + " is not a folder");
        if (!fs::is_empty(dir) && !fs::exists(dir / marker))
            throw std::runtime_error("refusing to wipe data folder " + dir.string() + ": it is not empty and was not made by " +
                                     program + " (no " + marker + " in it); name another with --data");
        fs::remove_all(dir);
    }
    fs::create_directories(dir);
    std::ofstream(dir / marker) << "made by " << program << "; wiped at its next start\n";
    return dir;
}

}  // namespace relaysync::cluster
