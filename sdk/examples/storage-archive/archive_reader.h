#pragma once
// One pass over the archive file with libarchive: through its members in order, reading the
// data of the current one. Each index build and each read() opens its own ArchiveReader, so
// that no libarchive handle is ever shared between threads.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/status.h"

struct archive;
struct archive_entry;

namespace storage_archive {

// Which bytes the archive file holds: any write to it (in place or by replacing the file)
// changes at least one of these, and stat() tells them cheaply.
struct ArchiveVersion {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t size = 0;
    std::int64_t modified_ns = 0;
    std::int64_t changed_ns = 0;  // ctime: catches a rewrite that kept the size and set the mtime back

    friend bool operator==(const ArchiveVersion&, const ArchiveVersion&) = default;
    // "dev:ino:size:mtime:ctime", for identities.
    std::string text() const;
};

// The archive file's version now, found by its path. unreachable when there is no regular file
// there that could be read: the store's whole root is missing.
relaysync::sdk::Status versionOf(const std::string& path, ArchiveVersion& version);

class ArchiveReader {
public:
    ~ArchiveReader();
    ArchiveReader(const ArchiveReader&) = delete;
    ArchiveReader& operator=(const ArchiveReader&) = delete;

    // Opens `path` for one pass. unreachable when it is missing, unreadable or no tar or zip
    // archive that libarchive reads.
    static relaysync::sdk::Status open(const std::string& path, std::unique_ptr<ArchiveReader>& reader);

    // The version of the file actually opened (by its descriptor, not its path).
    const ArchiveVersion& version() const { return version_; }

    // The next member's header, or nullptr after the last one. unreachable when the archive is
    // damaged or truncated: a member list read only in part must never make the rest look gone.
    // Also a tar archive that ends right after a member, without tar's end-of-archive marker:
    // libarchive accepts that (some old writers omit the marker), but it is what a reader sees
    // of an archive still being written in place.
    relaysync::sdk::Status next(archive_entry*& entry);
    // The position of the member next() returned last: 0 for the first.
    std::size_t ordinal() const { return next_ordinal_ - 1; }

    // Up to `max_bytes` of the current member's data into `bytes` (replaced); empty at its end.
    relaysync::sdk::Status readData(std::size_t max_bytes, std::vector<char>& bytes);

    // ok when the file is still as it was opened. A writer rewriting the archive in place while
    // we read it gives a mix of old and new bytes: the caller then starts again.
    relaysync::sdk::Status checkUnchanged() const;

    // On a reader just opened: moves to member number `ordinal`, which must be called `name`
    // (its raw name, as the index recorded it), checking the deadline on the way.
    relaysync::sdk::Status seekMember(const relaysync::sdk::CallContext& call, std::size_t ordinal,
                                      const std::string& name);

    // Reads `length` bytes of the current member from `offset` into `bytes`; fewer at its end.
    // Tar and zip members can only be read from their start: the bytes before `offset` are read
    // and dropped.
    relaysync::sdk::Status readRange(const relaysync::sdk::CallContext& call, std::uint64_t offset,
                                     std::size_t length, std::vector<char>& bytes);

    const std::string& path() const { return path_; }

private:
    ArchiveReader(std::string path, int fd, ::archive* handle, const ArchiveVersion& version);
    relaysync::sdk::Status damaged(const char* doing) const;
    // At the end of the member list: whether a tar archive had its end-of-archive marker.
    relaysync::sdk::Status checkTarEnd() const;

    const std::string path_;
    const int fd_;
    ::archive* const handle_;
    const ArchiveVersion version_;
    std::size_t next_ordinal_ = 0;  // the ordinal the next call to next() returns
    // Where the last member's data ends in the uncompressed stream, and whether a sparse member
    // (whose stored size is not its data's) made that unknowable.
    std::int64_t data_end_ = 0;
    bool sparse_seen_ = false;
};

}  // namespace storage_archive
