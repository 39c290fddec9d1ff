#pragma once
// The "hash" entity checker: a file is unchanged while its content hash is what was recorded
// (SHA-256 by default, any fixed-length OpenSSL digest by `algorithm`). The file is read through
// its store in blocks of `block_bytes`, so it works alike on a local disk and an SMB share, and
// not at all while the cache (HashCache) holds the hash of that very content.
//
// A folder's hash is made of its items' names and hashes (folder_hash.h), from what core hands
// over through the folder-hashing extension; its files come from the same cache. A record
// without a hash (made by another checker), or with another algorithm's, compares kind, time
// and size, so switching checkers changes no entry; the hash then goes into the record at the
// next change.
//
// Threads: any number at once (ConcurrentChecks). The configuration is fixed and each hash has
// its own OpenSSL context, so the cache, which has its own lock, is the only state shared.

#include <memory>

#include <Poco/Logger.h>

#include "digest.h"
#include "hash_cache.h"
#include "hash_config.h"
#include "relaysync/sdk/concurrent_checks.h"
#include "relaysync/sdk/entity_checker.h"
#include "relaysync/sdk/folder_hashing.h"

namespace relaysync::checker_hash {

class HashChecker final : public sdk::EntityChecker, public sdk::ConcurrentChecks, public sdk::FolderHashing {
public:
    explicit HashChecker(const sdk::PluginConfig& config);

    std::uint32_t needs() const override { return sdk::CheckerNeed::content; }
    sdk::CheckOutcome check(const sdk::CallContext& call, const sdk::EntityDetails& recorded, const sdk::CheckSubject& subject,
                            sdk::ContentReader* content) override;
    sdk::Status describe(const sdk::CallContext& call, const sdk::CheckSubject& subject, sdk::ContentReader* content,
                         sdk::EntityDetails& details) override;
    void* extension(const char* name) override;

    // ConcurrentChecks
    std::size_t maxConcurrentCalls() const override { return config_.threads; }

    // FolderHashing
    sdk::CheckOutcome checkFolder(const sdk::CallContext& call, const sdk::EntityDetails& recorded,
                                  const sdk::CheckSubject& subject, const sdk::FolderContents& beneath) override;
    sdk::Status describeFolder(const sdk::CallContext& call, const sdk::CheckSubject& subject,
                               const sdk::FolderContents& beneath, sdk::EntityDetails& details) override;

private:
    // "<algorithm>:<hex>" of the file, from the cache when its content is known unchanged.
    sdk::Status hashOf(const sdk::CheckSubject& subject, sdk::ContentReader& content, std::string& hash);
    std::string folderHashOf(const sdk::FolderContents& beneath) const;
    // The verdict on an entity whose hash is now `hash` (empty: not known).
    sdk::CheckOutcome compare(const sdk::EntityDetails& recorded, const sdk::EntityDetails& current,
                              const std::string& hash) const;
    // "<algorithm>:" : the prefix of every hash this checker makes.
    bool ours(const std::string& hash) const { return hash.rfind(prefix_, 0) == 0; }

    const HashConfig config_;
    const std::string prefix_;
    const DigestAlgorithm algorithm_;
    Poco::Logger& log_;
    HashCache cache_;
};

}  // namespace relaysync::checker_hash
