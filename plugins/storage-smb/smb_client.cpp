#include "smb_client.h"

#include <libsmbclient.h>

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>

namespace relaysync::storage_smb {

namespace {

// Every libsmbclient call of the process goes through this lock (see smb_client.h).
std::timed_mutex& libraryLock() {
    static std::timed_mutex lock;
    return lock;
}

void copyInto(char* buffer, int size, const std::string& value) {
    if (size <= 0) return;
    const auto n = std::min<std::size_t>(value.size(), static_cast<std::size_t>(size - 1));
    std::memcpy(buffer, value.data(), n);
    buffer[n] = '\0';
}

// Runs for every path libsmbclient opens: cheap, and it only hands over the configured account.
void authenticate(SMBCCTX* context, const char*, const char*, char* workgroup, int workgroup_size, char* user,
                  int user_size, char* password, int password_size) {
    const auto* config = static_cast<const SmbConfig*>(smbc_getOptionUserData(context));
    copyInto(workgroup, workgroup_size, config->domain);
    copyInto(user, user_size, config->user);
    copyInto(password, password_size, config->password);
}

// Errors that say the connection (not the entity) failed.
bool connectionFailed(int err) {
    switch (err) {
    case ETIMEDOUT: case ECONNABORTED: case ECONNRESET: case ECONNREFUSED: case ENETRESET: case EPIPE:
    case EHOSTUNREACH: case ENETUNREACH: case ENOTCONN: case EIO:
        return true;
    default:
        return false;
    }
}

}  // namespace

// Holds the process-wide lock for one call, if it could be had before the call's deadline.
class SmbClient::Locked {
public:
    explicit Locked(const sdk::CallContext& call)
        : lock_(libraryLock(), std::defer_lock) {
        if (call.expired()) return;
        if (call.deadline == sdk::Clock::time_point::max()) lock_.lock();
        else static_cast<void>(lock_.try_lock_until(call.deadline));
    }
    bool held() const { return lock_.owns_lock(); }

private:
    std::unique_lock<std::timed_mutex> lock_;
};

SmbClient::~SmbClient() {
    std::lock_guard lock(libraryLock());
    if (context_) smbc_free_context(context_, 1);
}

SMBCCTX* SmbClient::enter(const sdk::CallContext& call, const Locked& locked, int& err) {
    if (!locked.held() || call.expired()) {
        err = ETIMEDOUT;
        return nullptr;
    }
    SMBCCTX* made = context(call);
    if (!made) err = afterFailure(errno ? errno : EIO);
    return made;
}

SMBCCTX* SmbClient::context(const sdk::CallContext& call) {
    if (!context_) {
        SMBCCTX* made = smbc_new_context();
        if (!made) return nullptr;
        smbc_setDebug(made, 0);
        smbc_setOptionUserData(made, const_cast<SmbConfig*>(&config_));
        smbc_setFunctionAuthDataWithContext(made, &authenticate);
        // Without this a refused password falls back to an anonymous login, whose "not found"
        // would read as entities gone.
        smbc_setOptionNoAutoAnonymousLogin(made, 1);
        smbc_setOptionProtocols(made, "SMB2_02", "SMB3_11");
        smbc_setOptionSmbEncryptionLevel(made, config_.encryption == SmbConfig::Encryption::required ? SMBC_ENCRYPTLEVEL_REQUIRE
                                               : config_.encryption == SmbConfig::Encryption::off    ? SMBC_ENCRYPTLEVEL_NONE
                                                                                                     : SMBC_ENCRYPTLEVEL_REQUEST);
        if (!smbc_init_context(made)) {
            const int err = errno;
            smbc_free_context(made, 1);
            errno = err ? err : EIO;
            return nullptr;
        }
        context_ = made;
    }
    const auto left = std::min<std::int64_t>(call.remainingMs(), config_.timeout.count());
    smbc_setTimeout(context_, static_cast<int>(std::max<std::int64_t>(1000, left)));
    return context_;
}

int SmbClient::afterFailure(int err) {
    if (connectionFailed(err) && context_) {
        smbc_free_context(context_, 1);
        context_ = nullptr;
    }
    return err;
}

int SmbClient::stat(const sdk::CallContext& call, const std::string& url, struct stat& st) {
    const Locked locked(call);
    int err = 0;
    SMBCCTX* context = enter(call, locked, err);
    if (!context) return err;
    errno = 0;
    if (smbc_getFunctionStat(context)(context, url.c_str(), &st) == 0) return 0;
    return afterFailure(errno ? errno : EIO);
}

int SmbClient::list(const sdk::CallContext& call, const std::string& url, std::vector<Entry>& entries) {
    entries.clear();
    const Locked locked(call);
    int err = 0;
    SMBCCTX* context = enter(call, locked, err);
    if (!context) return err;
    errno = 0;
    SMBCFILE* dir = smbc_getFunctionOpendir(context)(context, url.c_str());
    if (!dir) return afterFailure(errno ? errno : EIO);
    int result = 0;
    for (;;) {
        if (call.expired()) {
            result = ETIMEDOUT;
            break;
        }
        Entry entry;
        errno = 0;
        const libsmb_file_info* info = smbc_getFunctionReaddirPlus2(context)(context, dir, &entry.st);
        if (!info) {
            result = errno;  // 0 at the end of the listing
            break;
        }
        if (!info->name || std::strcmp(info->name, ".") == 0 || std::strcmp(info->name, "..") == 0) continue;
        entry.name = info->name;
        entry.folder = (info->attrs & SMBC_DOS_MODE_DIRECTORY) != 0;
        entries.push_back(std::move(entry));
    }
    smbc_getFunctionClosedir(context)(context, dir);
    return result ? afterFailure(result) : 0;
}

int SmbClient::read(const sdk::CallContext& call, const std::string& url, std::uint64_t offset, std::size_t max_bytes,
                    std::vector<char>& bytes) {
    bytes.clear();
    const Locked locked(call);
    int err = 0;
    SMBCCTX* context = enter(call, locked, err);
    if (!context) return err;
    errno = 0;
    SMBCFILE* file = smbc_getFunctionOpen(context)(context, url.c_str(), O_RDONLY, 0);
    if (!file) return afterFailure(errno ? errno : EIO);
    int result = 0;
    // No file reaches past what off_t can hold: an offset beyond it is past the end (empty), not
    // a negative seek. The buffer grows with what arrives, never to max_bytes up front (which
    // may be SIZE_MAX).
    constexpr std::size_t kChunk = 1 << 20;
    if (offset > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) {
        // nothing to read
    } else if (smbc_getFunctionLseek(context)(context, file, static_cast<off_t>(offset), SEEK_SET) < 0) {
        result = errno ? errno : EIO;
    } else {
        std::size_t got = 0;
        while (got < max_bytes) {
            const std::size_t want = std::min(max_bytes - got, kChunk);
            if (bytes.size() < got + want) bytes.resize(got + want);
            const ssize_t n = smbc_getFunctionRead(context)(context, file, bytes.data() + got, want);
            if (n < 0) {
                result = errno ? errno : EIO;
                break;
            }
            if (n == 0 || call.expired()) break;
            got += static_cast<std::size_t>(n);
        }
        bytes.resize(result ? 0 : got);
    }
    smbc_getFunctionClose(context)(context, file);
    return result ? afterFailure(result) : 0;
}

}  // namespace relaysync::storage_smb
