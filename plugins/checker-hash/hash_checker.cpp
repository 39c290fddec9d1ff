#include "hash_checker.h"

#include <openssl/evp.h>

#include <memory>

namespace relaysync::checker_hash {

namespace {

struct DigestContextDeleter {
    void operator()(EVP_MD_CTX* context) const noexcept { EVP_MD_CTX_free(context); }
};
struct DigestDeleter {
    void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};

std::string hex(const unsigned char* data, unsigned size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(size * 2);
    for (unsigned i = 0; i < size; ++i) {
        text += kDigits[data[i] >> 4];
        text += kDigits[data[i] & 0xf];
    }
    return text;
}

bool sameTimeAndSize(const sdk::EntityDetails& a, const sdk::EntityDetails& b) {
    return a.kind == b.kind && a.size == b.size && a.modified_ms == b.modified_ms;
}

}  // namespace

HashChecker::HashChecker(const sdk::PluginConfig& config)
    : config_(parseConfig(config)),
      prefix_(config_.algorithm + ":"),
      log_(Poco::Logger::get("relaysync.checker.hash")),
      cache_(config_.cache_file) {
    if (const auto error = cache_.lastError(); !error.empty())
        log_.warning("hash checker: %s; hashes are kept in memory only", error);
}

sdk::Status HashChecker::hashOf(const sdk::CheckSubject& subject, sdk::ContentReader& content, std::string& hash) {
    if (config_.trust_cache) {
        if (auto known = cache_.find(subject.store, subject.path, subject.current)) {
            hash = *known;
            return sdk::Status::ok();
        }
    }
    const std::unique_ptr<EVP_MD, DigestDeleter> md(EVP_MD_fetch(nullptr, config_.algorithm.c_str(), nullptr));
    const std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
    if (!md || !context || EVP_DigestInit_ex2(context.get(), md.get(), nullptr) != 1)
        return sdk::Status::internal("OpenSSL cannot compute " + config_.algorithm);
    std::vector<char> block;
    std::uint64_t offset = 0;
    for (;;) {
        if (auto read = content.read(offset, config_.block_bytes, block); !read.isOk()) return read;
        if (block.empty()) break;
        EVP_DigestUpdate(context.get(), block.data(), block.size());
        offset += block.size();
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_DigestFinal_ex(context.get(), digest, &size);
    hash = prefix_ + hex(digest, size);
    // Only what was read whole, at the size the store reported, is worth remembering: a file
    // that grew or shrank while being read is read again next time.
    if (offset == subject.current.size) cache_.put(subject.store, subject.path, subject.current, hash);
    return sdk::Status::ok();
}

sdk::CheckOutcome HashChecker::check(const sdk::CallContext&, const sdk::EntityDetails& recorded,
                                     const sdk::CheckSubject& subject, sdk::ContentReader* content) {
    sdk::CheckOutcome outcome;
    outcome.current = subject.current;
    if (subject.current.kind == sdk::EntityKind::folder || !content) {
        const bool same = sameTimeAndSize(subject.current, recorded);
        outcome.verdict = same ? sdk::Verdict::unchanged : sdk::Verdict::changed;
        outcome.current.hash = same ? recorded.hash : std::string();
        return outcome;
    }
    std::string hash;
    if (auto hashed = hashOf(subject, *content, hash); !hashed.isOk()) {
        outcome.verdict = sdk::Verdict::unreachable;
        outcome.reason = "cannot read '" + subject.path + "' to hash it: " + hashed.message();
        return outcome;
    }
    if (!ours(recorded.hash)) {
        // Recorded by another checker (or algorithm): compare what that one compared.
        const bool same = sameTimeAndSize(subject.current, recorded);
        outcome.verdict = same ? sdk::Verdict::unchanged : sdk::Verdict::changed;
        outcome.current.hash = same ? recorded.hash : hash;
        return outcome;
    }
    outcome.current.hash = hash;
    outcome.verdict = recorded.kind == sdk::EntityKind::file && hash == recorded.hash ? sdk::Verdict::unchanged
                                                                                       : sdk::Verdict::changed;
    return outcome;
}

sdk::Status HashChecker::describe(const sdk::CallContext&, const sdk::CheckSubject& subject, sdk::ContentReader* content,
                                  sdk::EntityDetails& details) {
    details = subject.current;
    details.hash.clear();
    if (subject.current.kind == sdk::EntityKind::folder || !content) return sdk::Status::ok();
    return hashOf(subject, *content, details.hash);
}

}  // namespace relaysync::checker_hash
