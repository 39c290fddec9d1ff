#pragma once
// A revocation list file that an operator replaces while the program runs. refresh() looks at
// the file (one stat) and reads it again when it has changed; until a new version reads
// correctly, the last good list stays in force, so a file caught half-written or a mistake
// never lifts a revocation.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "crl_list.h"

namespace relaysync::plugin_common {

class CrlFile {
public:
    struct Change {
        enum class Kind { none, reloaded, unusable };
        Kind kind = Kind::none;
        // reloaded: the new list's summary; unusable: why (reported once per version of the file).
        std::string text;
    };

    // Reads the file now; throws std::runtime_error (CrlList::load) when it cannot be used.
    CrlFile(std::string crl_path, std::string ca_path);

    // The list in force. Any thread.
    std::shared_ptr<const CrlList> current() const;
    // Reads the file again if it changed since the last look (another inode, size, modification
    // or change time). Any thread; one reads at a time.
    Change refresh();
    // How many times a new version was taken into force.
    std::uint64_t generation() const;
    const std::string& path() const noexcept { return crl_path_; }

private:
    struct Stamp {
        bool present = false;
        int error = 0;  // errno of stat when not present
        std::uint64_t device = 0, inode = 0, size = 0;
        std::int64_t modified_ns = 0, changed_ns = 0;
        bool operator==(const Stamp&) const = default;
    };
    Stamp look() const;

    const std::string crl_path_;
    const std::string ca_path_;
    mutable std::mutex mutex_;
    Stamp seen_;  // the version last read, good or not
    std::shared_ptr<const CrlList> current_;
    std::uint64_t generation_ = 0;
};

}  // namespace relaysync::plugin_common
