#include "hash_checker.h"

#include <cstring>

#include "folder_hash.h"

namespace relaysync::checker_hash {

namespace {

bool sameTimeAndSize(const sdk::EntityDetails& a, const sdk::EntityDetails& b) {
    return a.kind == b.kind && a.size == b.size && a.modified_ms == b.modified_ms;
}

}  // namespace

HashChecker::HashChecker(const sdk::PluginConfig& config)
    : config_(parseConfig(config)),
      prefix_(config_.algorithm + ":"),
      algorithm_(fetchDigest(config_.algorithm)),
      log_(Poco::Logger::get("relaysync.checker.hash")),
      cache_(config_.cache_file) {
    if (const auto error = cache_.lastError(); !error.empty())
        log_.warning("hash checker: %s; hashes are kept in memory only", error);
}

void* HashChecker::extension(const char* name) {
    if (!name) return nullptr;
    if (std::strcmp(name, sdk::kConcurrentChecksExtension) == 0) return static_cast<sdk::ConcurrentChecks*>(this);
    if (std::strcmp(name, sdk::kFolderHashingExtension) == 0) return static_cast<sdk::FolderHashing*>(this);
    return nullptr;
}

sdk::Status HashChecker::hashOf(const sdk::CheckSubject& subject, sdk::ContentReader& content, std::string& hash) {
    if (config_.trust_cache) {
        if (auto known = cache_.find(subject.store, subject.path, subject.current)) {
            hash = *known;
            return sdk::Status::ok();
        }
    }
    Digest digest(algorithm_.get(), prefix_);
    std::vector<char> block;
    std::uint64_t offset = 0;
    for (;;) {
        if (auto read = content.read(offset, config_.block_bytes, block); !read.isOk()) return read;
        if (block.empty()) break;
        digest.update(block.data(), block.size());
        offset += block.size();
    }
    hash = digest.finish();
    // Only what was read whole, at the size the store reported, is worth remembering: a file
    // that grew or shrank while being read is read again next time.
    if (offset == subject.current.size) cache_.put(subject.store, subject.path, subject.current, hash);
    return sdk::Status::ok();
}

std::string HashChecker::folderHashOf(const sdk::FolderContents& beneath) const {
    return folderHash(beneath, [&](const std::string& lines) {
        Digest digest(algorithm_.get(), prefix_);
        digest.update(lines.data(), lines.size());
        return digest.finish();
    });
}

sdk::CheckOutcome HashChecker::compare(const sdk::EntityDetails& recorded, const sdk::EntityDetails& current,
                                       const std::string& hash) const {
    sdk::CheckOutcome outcome;
    outcome.current = current;
    if (hash.empty() || !ours(recorded.hash)) {
        // Recorded by another checker (or algorithm), or no hash to compare: compare what that
        // one compared.
        const bool same = sameTimeAndSize(current, recorded);
        outcome.verdict = same ? sdk::Verdict::unchanged : sdk::Verdict::changed;
        outcome.current.hash = same ? recorded.hash : hash;
        return outcome;
    }
    outcome.current.hash = hash;
    outcome.verdict = recorded.kind == current.kind && hash == recorded.hash ? sdk::Verdict::unchanged
                                                                              : sdk::Verdict::changed;
    return outcome;
}

sdk::CheckOutcome HashChecker::check(const sdk::CallContext&, const sdk::EntityDetails& recorded,
                                     const sdk::CheckSubject& subject, sdk::ContentReader* content) {
    // A folder from a host that does not hand over its content (no folder hashing there).
    if (subject.current.kind == sdk::EntityKind::folder || !content) return compare(recorded, subject.current, {});
    std::string hash;
    if (auto hashed = hashOf(subject, *content, hash); !hashed.isOk()) {
        sdk::CheckOutcome outcome;
        outcome.verdict = sdk::Verdict::unreachable;
        outcome.reason = "cannot read '" + subject.path + "' to hash it: " + hashed.message();
        return outcome;
    }
    return compare(recorded, subject.current, hash);
}

sdk::Status HashChecker::describe(const sdk::CallContext&, const sdk::CheckSubject& subject, sdk::ContentReader* content,
                                  sdk::EntityDetails& details) {
    details = subject.current;
    details.hash.clear();
    if (subject.current.kind == sdk::EntityKind::folder || !content) return sdk::Status::ok();
    return hashOf(subject, *content, details.hash);
}

sdk::CheckOutcome HashChecker::checkFolder(const sdk::CallContext&, const sdk::EntityDetails& recorded,
                                           const sdk::CheckSubject& subject, const sdk::FolderContents& beneath) {
    return compare(recorded, subject.current, folderHashOf(beneath));
}

sdk::Status HashChecker::describeFolder(const sdk::CallContext&, const sdk::CheckSubject& subject,
                                        const sdk::FolderContents& beneath, sdk::EntityDetails& details) {
    details = subject.current;
    details.hash = folderHashOf(beneath);
    return sdk::Status::ok();
}

}  // namespace relaysync::checker_hash
