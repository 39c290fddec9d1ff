#pragma once
// What the archive holds, as a tree of entities: built in one pass over the member headers
// (no data is decompressed unless a header lacks the size), then never changed, so any number
// of calls may read one index at once.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "archive_reader.h"
#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/entity.h"
#include "relaysync/sdk/status.h"

namespace storage_archive {

class ArchiveIndex {
public:
    enum class Kind { file, folder, symlink };

    struct Member {
        Kind kind = Kind::folder;
        std::uint64_t size = 0;        // files
        std::int64_t modified_ms = 0;  // from the header; implied folders: see build()
        std::string link_target;       // symlinks, as recorded
        // Files: where the content is (a hard link's is in an earlier member), and that
        // member's raw name, to be sure a read lands on the same member.
        std::size_t data_ordinal = 0;
        std::string data_name;
        bool implied = false;          // folders with no member of their own
        std::set<std::string> children;  // folders: names of what is directly inside
    };

    // Reads every member header of `reader` (just opened). Members with unsafe names and kinds
    // that are no entities (devices, fifos) are left out. ok, unreachable when the archive is
    // damaged, or timed out.
    static relaysync::sdk::Status build(ArchiveReader& reader, const relaysync::sdk::CallContext& call,
                                        std::shared_ptr<const ArchiveIndex>& index);

    // The archive file this index describes.
    const ArchiveVersion& version() const { return version_; }

    // What `components` (a checked store path) names, symlinks followed, with its key.
    //   ok                found; `member` is a file or a folder, never a symlink;
    //   not_found         nothing there, or a link to nothing;
    //   invalid_argument  a symlink on the way leads outside the archive's root;
    //   io_error          too many symlinks (a loop).
    relaysync::sdk::Status resolve(const std::vector<std::string>& components, const std::string& path,
                                   std::string& key, const Member*& member) const;

    // The member at `key` as it is recorded (a symlink stays a symlink), or nullptr.
    const Member* find(const std::string& key) const;

    // What stat and list report for the resolved member at `key`.
    relaysync::sdk::EntityDetails details(const std::string& key, const Member& member) const;

private:
    explicit ArchiveIndex(const ArchiveVersion& version) : version_(version) {}
    void add(const std::vector<std::string>& components, Member member);

    ArchiveVersion version_;
    std::map<std::string, Member> members_;  // by key; "" is the root
};

}  // namespace storage_archive
