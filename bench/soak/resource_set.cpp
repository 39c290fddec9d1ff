#include "resource_set.h"

#include <cstdio>
#include <fstream>
#include <set>

#include "cluster/four_site.h"

namespace fs = std::filesystem;

namespace relaysync::soak {

namespace {

constexpr std::size_t kFilesPerFolder = 10;
constexpr std::size_t kFilesInSubfolder = 2;  // the last ones of each folder
constexpr std::uint64_t kMinFileBytes = 64, kMaxFileBytes = 8192;

std::string numbered(const char* format, std::size_t number) {
    char text[32];
    std::snprintf(text, sizeof text, format, number);
    return text;
}

std::vector<fs::path> filesBeneath(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code error;
    for (fs::recursive_directory_iterator item(folder, error), end; !error && item != end; item.increment(error))
        if (item->is_regular_file(error)) files.push_back(item->path());
    return files;
}

}  // namespace

ResourceSet::ResourceSet(cluster::Cluster& cluster, std::string share_id, std::vector<std::string> owners,
                         std::mt19937_64& rng)
    : cluster_(cluster), share_id_(std::move(share_id)), owners_(std::move(owners)), rng_(rng) {}

bool ResourceSet::removes(const std::string& owner) const {
    return cluster_.node(owner).profile.gone_entity == core::GoneEntityMode::remove;
}

void ResourceSet::populate(std::size_t files, const std::function<void(std::size_t, std::size_t)>& progress) {
    const auto first = resources_.size();
    for (std::size_t index = 0; index < owners_.size(); ++index) {
        const auto& owner = owners_[index];
        const auto tag = cluster::four_site::label(owner);
        const auto mine = files / owners_.size() + (index < files % owners_.size() ? 1 : 0);
        const auto singles = mine / 2;
        for (std::size_t k = 0; k < singles; ++k) {
            const auto location = "c:/soak/files/" + numbered("f%05zu.dat", k);
            Resource resource{tag + "-" + numbered("f%05zu", k), owner, location, false,
                              cluster_.entityPath(owner, location)};
            writeFile(resource.path);
            resources_.push_back(resource);
        }
        std::size_t left = mine - singles;
        for (std::size_t folder = 0; left > 0; ++folder) {
            const auto location = "c:/soak/dirs/" + numbered("d%04zu", folder);
            Resource resource{tag + "-" + numbered("d%04zu", folder), owner, location, true,
                              cluster_.entityPath(owner, location)};
            const auto here = std::min(left, kFilesPerFolder);
            for (std::size_t k = 0; k < here; ++k)
                writeFile(resource.path / (k + kFilesInSubfolder >= kFilesPerFolder ? fs::path("sub") : fs::path()) /
                          numbered("f%02zu.dat", k));
            left -= here;
            resources_.push_back(resource);
        }
    }
    const auto total = resources_.size() - first;
    for (std::size_t i = first; i < resources_.size(); ++i) {
        addAt(resources_[i]);
        if (progress) progress(i - first + 1, total);
    }
}

void ResourceSet::addAt(const Resource& resource) {
    cluster_.addResource(resource.owner, share_id_, resource.name, resource.location);
}

void ResourceSet::writeFile(const fs::path& path) {
    std::error_code error;
    const auto old_size = fs::file_size(path, error);
    auto size = std::uniform_int_distribution<std::uint64_t>(kMinFileBytes, kMaxFileBytes)(rng_);
    if (!error && size == old_size) ++size;  // a modification always changes the size
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << std::string(size, static_cast<char>('a' + size % 26));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path.string());
    ++files_written_;
}

void ResourceSet::touch(const fs::path& path) {
    std::error_code error;
    const auto when = fs::last_write_time(path, error);
    if (error) return;
    const auto back = std::chrono::seconds(std::uniform_int_distribution<int>(1, 86400)(rng_));
    fs::last_write_time(path, when - back, error);
    count("touch");
}

void ResourceSet::changeFile(const fs::path& path, bool allow_delete) {
    const auto roll = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (roll < 0.60) {
        writeFile(path);
        count("modify");
    } else if (roll < 0.75 || !allow_delete) {
        touch(path);
    } else {
        std::error_code error;
        if (fs::remove(path, error)) count("delete file");
    }
}

void ResourceSet::changeFolder(const Resource& resource) {
    const auto files = filesBeneath(resource.path);
    const auto roll = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (files.empty() || (roll >= 0.70 && roll < 0.95)) {
        const auto sub = resource.path / "sub";
        const auto folder = chance(0.3) && fs::is_directory(sub) ? sub : resource.path;
        writeFile(folder / numbered("n%06zu.dat", next_new_++));
        count("create file");
    } else if (roll < 0.50) {
        changeFile(files[pick(files.size())], false);
    } else if (roll < 0.70) {
        std::error_code error;
        if (fs::remove(files[pick(files.size())], error)) count("delete file");
    } else {
        std::error_code error;
        fs::remove_all(resource.path, error);
        count("delete folder");
    }
}

void ResourceSet::recreate(const Resource& resource, const std::function<bool(const std::string&)>& up) {
    // With gone_entity: remove the entry may be gone by now: bringing the entity back means
    // adding it again, which needs its owner.
    const bool add_again = removes(resource.owner);
    if (add_again && !up(resource.owner)) {
        count("skipped (owner down)");
        return;
    }
    if (resource.folder)
        for (std::size_t k = 0; k < 3; ++k) writeFile(resource.path / numbered("r%06zu.dat", next_new_++));
    else
        writeFile(resource.path);
    if (add_again) {
        try {
            addAt(resource);
        } catch (const std::exception&) {
            std::error_code error;
            fs::remove_all(resource.path, error);  // not shared again: keep it gone
            count("add failed");
            return;
        }
    }
    count("recreate");
}

void ResourceSet::addNew(const std::function<bool(const std::string&)>& up) {
    std::vector<std::string> running;
    for (const auto& owner : owners_)
        if (up(owner)) running.push_back(owner);
    if (running.empty()) {
        count("skipped (owner down)");
        return;
    }
    const auto& owner = running[pick(running.size())];
    const auto number = next_new_++;
    const auto location = "c:/soak/new/" + numbered("a%06zu.dat", number);
    Resource resource{cluster::four_site::label(owner) + "-" + numbered("a%06zu", number), owner, location, false,
                      cluster_.entityPath(owner, location)};
    writeFile(resource.path);
    try {
        addAt(resource);
    } catch (const std::exception&) {
        std::error_code error;
        fs::remove(resource.path, error);
        count("add failed");
        return;
    }
    resources_.push_back(resource);
    count("add resource");
}

void ResourceSet::changeOne(const std::function<bool(const std::string&)>& up) {
    if (resources_.empty() || chance(0.05)) {
        addNew(up);
        return;
    }
    const auto resource = resources_[pick(resources_.size())];
    if (!fs::exists(resource.path))
        recreate(resource, up);
    else if (resource.folder)
        changeFolder(resource);
    else
        changeFile(resource.path, true);
}

std::vector<std::string> ResourceSet::randomNames(std::size_t count) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < count && !resources_.empty(); ++i) names.insert(resources_[pick(resources_.size())].name);
    return {names.begin(), names.end()};
}

}  // namespace relaysync::soak
