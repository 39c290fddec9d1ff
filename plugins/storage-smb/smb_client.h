#pragma once
// One libsmbclient context for one store. libsmbclient is not thread-safe in any arrangement
// (concurrent calls crash even with a context per thread), so every call into it, from every
// store of the process, holds one process-wide lock; a caller waits for it only until its
// deadline. Each call's network wait is bounded by the smaller of timeout_ms and what is left of
// the deadline (libsmbclient rounds anything under 1 s up to 1 s), so a dead or hung server holds
// the lock for one such bound at most. After a failure of the connection itself the context is
// dropped and made anew on the next call, so that no half-broken connection is reused.

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include "relaysync/sdk/call_context.h"
#include "smb_config.h"

typedef struct _SMBCCTX SMBCCTX;

namespace relaysync::storage_smb {

class SmbClient {
public:
    explicit SmbClient(const SmbConfig& config) : config_(config) {}
    ~SmbClient();
    SmbClient(const SmbClient&) = delete;
    SmbClient& operator=(const SmbClient&) = delete;

    struct Entry {
        std::string name;
        bool folder = false;
        struct stat st {};
    };

    // Each returns 0, or an errno: the server's answer, ETIMEDOUT when the deadline passed
    // (also while waiting for the lock).
    int stat(const sdk::CallContext& call, const std::string& url, struct stat& st);
    // The entries of a folder with their attributes, from one listing (no stat per entry);
    // "." and ".." left out.
    int list(const sdk::CallContext& call, const std::string& url, std::vector<Entry>& entries);
    // Up to `max_bytes` from `offset`.
    int read(const sdk::CallContext& call, const std::string& url, std::uint64_t offset, std::size_t max_bytes,
             std::vector<char>& bytes);

private:
    class Locked;
    // The context for a call holding `locked`; nullptr with `err` set (ETIMEDOUT when the lock
    // was not had in time or the deadline passed).
    SMBCCTX* enter(const sdk::CallContext& call, const Locked& locked, int& err);
    // The context, made if there is none; nullptr with errno set when it cannot be made.
    SMBCCTX* context(const sdk::CallContext& call);
    // Forgets the context when `err` says the connection itself failed. Returns err.
    int afterFailure(int err);

    const SmbConfig& config_;
    SMBCCTX* context_ = nullptr;  // guarded by the process-wide lock
};

}  // namespace relaysync::storage_smb
