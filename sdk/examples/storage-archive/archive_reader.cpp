#include "archive_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "deadline.h"

namespace storage_archive {

namespace sdk = relaysync::sdk;

namespace {

// Bytes asked of libarchive at a time; also how often a long read checks its deadline.
constexpr std::size_t kChunk = 64 * 1024;

std::int64_t nanoseconds(const struct ::timespec& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

ArchiveVersion versionFrom(const struct ::stat& st) {
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
            static_cast<std::int64_t>(st.st_size), nanoseconds(st.st_mtim), nanoseconds(st.st_ctim)};
}

sdk::Status unreachableFile(const std::string& path, int err) {
    if (err == ENOENT) return sdk::Status::unreachable("archive " + path + " does not exist");
    return sdk::Status::unreachable("archive " + path + " cannot be reached: " +
                                    std::error_code(err, std::generic_category()).message());
}

}  // namespace

std::string ArchiveVersion::text() const {
    return std::to_string(device) + ":" + std::to_string(inode) + ":" + std::to_string(size) + ":" +
           std::to_string(modified_ns) + ":" + std::to_string(changed_ns);
}

sdk::Status versionOf(const std::string& path, ArchiveVersion& version) {
    struct ::stat st {};
    if (::stat(path.c_str(), &st) != 0) return unreachableFile(path, errno);
    // A folder or a fifo where the archive should be is as good as no archive.
    if (!S_ISREG(st.st_mode)) return sdk::Status::unreachable("archive " + path + " is not a regular file");
    version = versionFrom(st);
    return sdk::Status::ok();
}

ArchiveReader::ArchiveReader(std::string path, int fd, ::archive* handle, const ArchiveVersion& version)
    : path_(std::move(path)), fd_(fd), handle_(handle), version_(version) {}

ArchiveReader::~ArchiveReader() {
    ::archive_read_free(handle_);  // does not close a descriptor it was given
    ::close(fd_);
}

sdk::Status ArchiveReader::open(const std::string& path, std::unique_ptr<ArchiveReader>& reader) {
    reader.reset();
    // O_NONBLOCK: opening a fifo put in the archive's place must not wait for a writer.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return unreachableFile(path, errno);
    struct ::stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return sdk::Status::unreachable("archive " + path + " is not a regular file");
    }
    ::archive* handle = ::archive_read_new();
    if (!handle) {
        ::close(fd);
        return sdk::Status::internal("libarchive could not allocate a reader");
    }
    // Tar (ustar, pax, GNU) and zip, plain or compressed with what Debian's libarchive has built
    // in. Not archive_read_support_filter_all(): it may run external programs (lzop, lrzip) from
    // inside the daemon. Not the "empty" format: an empty file is an archive being written, not
    // an archive without members.
    ::archive_read_support_format_tar(handle);
    ::archive_read_support_format_zip(handle);
    ::archive_read_support_filter_gzip(handle);
    ::archive_read_support_filter_bzip2(handle);
    ::archive_read_support_filter_xz(handle);
    ::archive_read_support_filter_zstd(handle);
    reader.reset(new ArchiveReader(path, fd, handle, versionFrom(st)));
    if (::archive_read_open_fd(handle, fd, kChunk) != ARCHIVE_OK) {
        auto status = reader->damaged("opening it");
        reader.reset();
        return status;
    }
    return sdk::Status::ok();
}

sdk::Status ArchiveReader::damaged(const char* doing) const {
    const char* why = ::archive_error_string(handle_);
    return sdk::Status::unreachable("archive " + path_ + " cannot be read (" + doing + "): " +
                                    (why ? why : "unknown libarchive error"));
}

sdk::Status ArchiveReader::next(archive_entry*& entry) {
    entry = nullptr;
    const int rc = ::archive_read_next_header(handle_, &entry);
    if (rc == ARCHIVE_EOF) {
        entry = nullptr;
        return checkTarEnd();
    }
    // ARCHIVE_WARN: the header was read, some detail of it was not (an unknown extension).
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        entry = nullptr;
        return damaged("reading the member list");
    }
    ++next_ordinal_;
    // Tar stores each member's data right after its header, padded to 512-byte blocks.
    const auto size = ::archive_entry_size_is_set(entry) ? std::max<la_int64_t>(::archive_entry_size(entry), 0) : 0;
    data_end_ = ::archive_filter_bytes(handle_, 0) + (size + 511) / 512 * 512;
    sparse_seen_ = sparse_seen_ || ::archive_entry_sparse_count(entry) > 0;
    return sdk::Status::ok();
}

sdk::Status ArchiveReader::checkTarEnd() const {
    if ((::archive_format(handle_) & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_TAR || sparse_seen_)
        return sdk::Status::ok();
    // The marker is two zero blocks after the last member's data; libarchive consumes them
    // when it meets them, and stops without them at the physical end of the stream.
    if (::archive_filter_bytes(handle_, 0) >= data_end_ + 1024) return sdk::Status::ok();
    return sdk::Status::unreachable("archive " + path_ +
                                    " ends without tar's end-of-archive marker: truncated, or still being written");
}

sdk::Status ArchiveReader::readData(std::size_t max_bytes, std::vector<char>& bytes) {
    bytes.resize(max_bytes);
    const auto got = ::archive_read_data(handle_, bytes.data(), bytes.size());
    if (got < 0) {
        bytes.clear();
        return damaged("reading a member's data");
    }
    bytes.resize(static_cast<std::size_t>(got));
    return sdk::Status::ok();
}

sdk::Status ArchiveReader::checkUnchanged() const {
    struct ::stat st {};
    if (::fstat(fd_, &st) != 0) return unreachableFile(path_, errno);
    if (versionFrom(st) != version_)
        return sdk::Status::unreachable("archive " + path_ + " changed while it was read");
    return sdk::Status::ok();
}

sdk::Status ArchiveReader::seekMember(const sdk::CallContext& call, std::size_t ordinal, const std::string& name) {
    archive_entry* entry = nullptr;
    do {
        if (call.expired()) return timedOut("looking for '" + name + "' in archive " + path_);
        if (auto s = next(entry); !s.isOk()) return s;
        if (!entry) break;
    } while (next_ordinal_ <= ordinal);
    const char* found = entry ? ::archive_entry_pathname(entry) : nullptr;
    // The index said member `ordinal` is `name`: anything else means another archive now.
    if (!found || name != found)
        return sdk::Status::unreachable("archive " + path_ + " changed since it was indexed");
    return sdk::Status::ok();
}

sdk::Status ArchiveReader::readRange(const sdk::CallContext& call, std::uint64_t offset, std::size_t length,
                                     std::vector<char>& bytes) {
    bytes.clear();
    std::vector<char> chunk;
    std::uint64_t position = 0;
    while (bytes.size() < length) {
        if (call.expired()) return timedOut("reading archive " + path_);
        if (auto s = readData(kChunk, chunk); !s.isOk()) return s;
        if (chunk.empty()) break;  // the member's end
        const std::uint64_t chunk_end = position + chunk.size();
        if (chunk_end > offset) {
            const auto from = static_cast<std::size_t>(std::max(offset, position) - position);
            const auto take = std::min(chunk.size() - from, length - bytes.size());
            bytes.insert(bytes.end(), chunk.begin() + static_cast<std::ptrdiff_t>(from),
                         chunk.begin() + static_cast<std::ptrdiff_t>(from + take));
        }
        position = chunk_end;
    }
    return sdk::Status::ok();
}

}  // namespace storage_archive
