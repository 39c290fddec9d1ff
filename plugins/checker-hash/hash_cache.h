#pragma once
// Hashes of files whose content has not changed since they were read, so that a check of an
// unchanged tree reads nothing. An entry is used only while everything that would change with
// the content is the same: the store's identity of the file (device, file id, change time, or
// its change token) and its size and modification time. A store that gives no identity gets no
// cache hits: its files are read on every check.
//
// Kept in memory, and with a file also across runs: each new hash is appended as one line, the
// file is read back at start (a later line wins) and rewritten without stale lines when they
// outnumber the live ones. Safe from several threads.

#include <cstdint>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "relaysync/sdk/entity.h"

namespace relaysync::checker_hash {

class HashCache {
public:
    // `file` empty: memory only. A file that cannot be read starts an empty cache; one that
    // cannot be written is logged by the caller through lastError().
    explicit HashCache(std::string file);
    ~HashCache();
    HashCache(const HashCache&) = delete;
    HashCache& operator=(const HashCache&) = delete;

    std::optional<std::string> find(const std::string& store, const std::string& path, const sdk::EntityDetails& now) const;
    void put(const std::string& store, const std::string& path, const sdk::EntityDetails& now, const std::string& hash);
    std::size_t size() const;
    std::string lastError() const;

private:
    struct Entry {
        sdk::EntityIdentity identity;
        std::uint64_t size = 0;
        std::int64_t modified_ms = 0;
        std::string hash;
    };
    static std::string line(const std::string& store, const std::string& path, const Entry& entry);
    void load();
    void compact();  // with mutex_ held
    static std::string key(const std::string& store, const std::string& path) { return store + '\n' + path; }

    const std::string file_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::ofstream out_;
    std::size_t lines_ = 0;  // in the file, stale ones included
    std::string error_;
};

}  // namespace relaysync::checker_hash
