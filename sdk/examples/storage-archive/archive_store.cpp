#include "archive_store.h"

#include <algorithm>
#include <new>
#include <optional>
#include <stdexcept>

#include "deadline.h"
#include "store_path.h"

namespace storage_archive {

namespace sdk = relaysync::sdk;

namespace {

// A read that found the archive rewritten between indexing and reading starts again this many
// times before it gives up.
constexpr int kReadAttempts = 3;

std::string archiveFromConfig(const sdk::PluginConfig& config) {
    const auto it = config.find("archive");
    if (it == config.end()) throw std::invalid_argument("archive store: the required key 'archive' is missing");
    const std::string& value = it->second;
    if (value.empty()) throw std::invalid_argument("archive store: 'archive' is empty; give the absolute path of a tar or zip file");
    if (value.find('\0') != std::string::npos) throw std::invalid_argument("archive store: 'archive' contains a NUL byte");
    // A relative path would depend on the working directory of whichever program loads us.
    if (value.front() != '/')
        throw std::invalid_argument("archive store: 'archive' must be an absolute path, not '" + value + "'");
    return value;
}

// Exceptions must not cross the plugin boundary; the only ones expected here are bad_alloc and
// length_error (an archive whose index does not fit in memory).
template <class Body>
sdk::Status guarded(Body&& body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return sdk::Status::internal("archive store: out of memory");
    } catch (const std::exception& e) {
        return sdk::Status::internal(std::string("archive store: ") + e.what());
    } catch (...) {
        return sdk::Status::internal("archive store: unknown exception");
    }
}

}  // namespace

ArchiveStore::ArchiveStore(const sdk::PluginConfig& config) : archive_(archiveFromConfig(config)), index_(archive_) {}

std::string ArchiveStore::describe() const { return "archive:" + archive_; }

std::uint32_t ArchiveStore::capabilities() const {
    // Everything ABI 2.0 defines: the index has each member's details at hand (list_details),
    // the archive file has a device and inode (root_identity), its version names each member's
    // content (entity_identity), and members can be read (content).
    return sdk::StoreCapability::list_details | sdk::StoreCapability::root_identity |
           sdk::StoreCapability::entity_identity | sdk::StoreCapability::content;
}

sdk::Status ArchiveStore::probe(const sdk::CallContext& call, sdk::RootProbe& probe) {
    return guarded([&] {
        probe = {};
        std::shared_ptr<const ArchiveIndex> index;
        // Reachable means readable as an archive, not merely present: a damaged file is as
        // good as no root.
        if (auto s = index_.current(call, index); !s.isOk()) return s;
        // The file, not its content: rewriting the archive in place is the same root with other
        // members; another file put in its place (a restore, a mistake) is another root.
        probe.identity = std::to_string(index->version().device) + ":" + std::to_string(index->version().inode);
        return sdk::Status::ok();
    });
}

sdk::Status ArchiveStore::locate(const sdk::CallContext& call, const std::string& path, Located& at) {
    std::vector<std::string> components;
    if (auto s = splitStorePath(path, components); !s.isOk()) return s;
    if (auto s = index_.current(call, at.index); !s.isOk()) return s;
    return at.index->resolve(components, path, at.key, at.member);
}

sdk::Status ArchiveStore::stat(const sdk::CallContext& call, const std::string& path, sdk::EntityDetails& details) {
    return guarded([&] {
        details = {};
        Located at;
        if (auto s = locate(call, path, at); !s.isOk()) return s;
        details = at.index->details(at.key, *at.member);
        return sdk::Status::ok();
    });
}

sdk::Status ArchiveStore::list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) {
    return guarded([&] {
        items.clear();
        Located at;
        if (auto s = locate(call, path, at); !s.isOk()) return s;
        if (at.member->kind != ArchiveIndex::Kind::folder)
            return sdk::Status::invalidArgument("'" + path + "' is a file, not a folder");

        sdk::FolderListing found;
        found.reserve(at.member->children.size());
        std::vector<std::string> components;
        for (const auto& name : at.member->children) {
            // The index is in memory, but a folder may hold millions of members.
            if (call.expired()) return timedOut("listing '" + path + "'");
            const std::string key = childPath(at.key, name);
            const ArchiveIndex::Member* child = at.index->find(key);
            std::string target = key;
            if (child->kind == ArchiveIndex::Kind::symlink) {
                // Shown as what it points to; one that leads out, dangles or loops is left
                // out, as stat would not report it either.
                if (!splitStorePath(key, components).isOk() || !at.index->resolve(components, key, target, child).isOk())
                    continue;
            }
            found.push_back({name, at.index->details(target, *child)});
        }
        items = std::move(found);
        return sdk::Status::ok();
    });
}

sdk::Status ArchiveStore::read(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                               std::size_t max_bytes, std::vector<char>& bytes) {
    return guarded([&] {
        sdk::Status s;
        for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
            std::optional<ArchiveVersion> indexed;
            s = readOnce(call, path, offset, max_bytes, bytes, indexed);
            if (s.isOk() || !s.isUnreachable() || !indexed || call.expired()) return s;
            // Rewritten between indexing and reading: the next attempt indexes the archive as
            // it is now and reads from that. Anything else is the answer.
            ArchiveVersion now;
            if (!versionOf(archive_, now).isOk() || now == *indexed) return s;
        }
        return s;
    });
}

sdk::Status ArchiveStore::readOnce(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                                   std::size_t max_bytes, std::vector<char>& bytes,
                                   std::optional<ArchiveVersion>& indexed) {
    bytes.clear();
    Located at;
    if (auto s = locate(call, path, at); !s.isOk()) return s;
    indexed = at.index->version();
    const auto& member = *at.member;
    if (member.kind != ArchiveIndex::Kind::file)
        return sdk::Status::invalidArgument("'" + path + "' is a folder, not a file");
    if (offset >= member.size || max_bytes == 0) return sdk::Status::ok();
    // Sized by what the member holds, not by max_bytes, which may be huge.
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes, member.size - offset));

    // A reader of our own: libarchive handles are not shared between threads.
    std::unique_ptr<ArchiveReader> reader;
    if (auto s = ArchiveReader::open(archive_, reader); !s.isOk()) return s;
    if (reader->version() != at.index->version())
        return sdk::Status::unreachable("archive " + archive_ + " changed since it was indexed");
    if (auto s = reader->seekMember(call, member.data_ordinal, member.data_name); !s.isOk()) return s;
    std::vector<char> range;
    if (auto s = reader->readRange(call, offset, wanted, range); !s.isOk()) return s;
    if (auto s = reader->checkUnchanged(); !s.isOk()) return s;
    bytes = std::move(range);
    return sdk::Status::ok();
}

}  // namespace storage_archive
