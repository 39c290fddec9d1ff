#pragma once
// The resources the soak shares in workspace1, and the changes it makes to them: files on the
// owners' local stores (their `c:` folders), shared one by one or as folders of files, changed,
// deleted and created at random. The disk itself is the state: the expected entries are read
// from it at the end (share_check.h), so nothing here needs to predict what a check finds.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cluster/cluster.h"

namespace relaysync::soak {

struct Resource {
    std::string name;      // shared name, e.g. "client11-f00042"
    std::string owner;     // terminal account
    std::string location;  // as the owner shares it, e.g. "c:/soak/files/f00042.dat"
    bool folder = false;
    std::filesystem::path path;  // where it is on the owner's disk
};

// How many changes of each kind were made ("modify", "delete file", ...).
using ChangeCounts = std::map<std::string, std::size_t>;

class ResourceSet {
public:
    // `owners`: the member terminals that own resources.
    ResourceSet(cluster::Cluster& cluster, std::string share_id, std::vector<std::string> owners, std::mt19937_64& rng);

    // Writes `files` files over the owners' stores (about half shared one by one, the rest in
    // folders of ten, two of them in a subfolder, shared as folders) and adds every resource at
    // its owner. `progress` is told how many resources of how many were added.
    void populate(std::size_t files, const std::function<void(std::size_t, std::size_t)>& progress);

    // One random change. Changes that need the owner's admin channel (adding a resource) are
    // made only when `up(owner)` says the owner runs.
    void changeOne(const std::function<bool(const std::string&)>& up);

    const std::vector<Resource>& resources() const { return resources_; }
    const ChangeCounts& changes() const { return changes_; }
    std::size_t filesWritten() const { return files_written_; }
    // Names of up to `count` random resources (a targeted synchronize).
    std::vector<std::string> randomNames(std::size_t count);

private:
    void addAt(const Resource& resource);
    std::filesystem::path rootOf(const std::string& owner) const;
    void writeFile(const std::filesystem::path& path);
    void changeFile(const std::filesystem::path& path, bool allow_delete);
    void changeFolder(const Resource& resource);
    void touch(const std::filesystem::path& path);
    void recreate(const Resource& resource, const std::function<bool(const std::string&)>& up);
    bool removes(const std::string& owner) const;
    void addNew(const std::function<bool(const std::string&)>& up);
    void count(const std::string& kind) { ++changes_[kind]; }
    std::size_t pick(std::size_t size) { return std::uniform_int_distribution<std::size_t>(0, size - 1)(rng_); }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

    cluster::Cluster& cluster_;
    std::string share_id_;
    std::vector<std::string> owners_;
    std::mt19937_64& rng_;
    std::vector<Resource> resources_;
    ChangeCounts changes_;
    std::size_t files_written_ = 0;
    std::size_t next_new_ = 0;
};

}  // namespace relaysync::soak
