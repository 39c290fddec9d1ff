#include "smb_store.h"

#include <cerrno>
#include <new>
#include <system_error>

#include "store_path.h"
#include "smb_url.h"

namespace relaysync::storage_smb {

namespace {

using plugin_common::quoted;

std::string reasonOf(int err) { return std::error_code(err, std::generic_category()).message(); }

std::int64_t milliseconds(const struct timespec& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1000 + time.tv_nsec / 1000000;
}

sdk::EntityDetails detailsOf(const struct stat& st, bool folder) {
    sdk::EntityDetails details;
    details.kind = folder ? sdk::EntityKind::folder : sdk::EntityKind::file;
    details.modified_ms = milliseconds(st.st_mtim);
    details.size = folder ? 0 : static_cast<std::uint64_t>(st.st_size);
    // st_ino is the server's file id; the mode and owner are made up by libsmbclient.
    details.identity.file_id = static_cast<std::uint64_t>(st.st_ino);
    details.identity.changed_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    return details;
}

// Exceptions must not cross the plugin boundary; the only ones expected here are bad_alloc.
template <class Body>
sdk::Status guarded(Body&& body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return sdk::Status::internal("smb store: out of memory");
    } catch (const std::exception& e) {
        return sdk::Status::internal(std::string("smb store: ") + e.what());
    } catch (...) {
        return sdk::Status::internal("smb store: unknown exception");
    }
}

std::string describeConfig(const SmbConfig& config) {
    std::string text = "smb://" + config.server + ":" + std::to_string(config.port) + "/" + config.share;
    for (const auto& part : config.folder) text += "/" + part;
    return text + " as " + (config.domain.empty() ? "" : config.domain + "\\") + config.user;
}

}  // namespace

SmbStore::SmbStore(const sdk::PluginConfig& config)
    : config_(parseConfig(config)),
      description_(describeConfig(config_)),
      log_(Poco::Logger::get("relaysync.storage.smb")),
      client_(config_) {}

std::uint32_t SmbStore::capabilities() const {
    return sdk::StoreCapability::list_details | sdk::StoreCapability::root_identity |
           sdk::StoreCapability::entity_identity | sdk::StoreCapability::content;
}

sdk::Status SmbStore::urlOf(const std::string& path, std::string& url) const {
    std::vector<std::string> components;
    if (auto split = plugin_common::splitStorePath(path, components); !split.isOk()) return split;
    // '\' separates names on the server: inside one name it could climb out of the folder.
    for (const auto& component : components)
        if (component.find('\\') != std::string::npos)
            return sdk::Status::invalidArgument(quoted(path) + " has a '\\', which the server would read as a separator");
    url = smbUrl(config_, components);
    return sdk::Status::ok();
}

void SmbStore::noteRoot(const sdk::Status& state) {
    const std::string now = state.isOk() ? "ok" : state.message();
    std::lock_guard lock(state_mutex_);
    if (now == last_state_) return;
    const bool first = last_state_.empty();
    last_state_ = now;
    if (!state.isOk()) log_.warning("%s is unreachable: %s", description_, now);
    else if (!first) log_.information("%s is reachable again", description_);
}

sdk::Status SmbStore::probe(const sdk::CallContext& call, sdk::RootProbe& probe) {
    return guarded([&] {
        const std::string server = config_.server + ":" + std::to_string(config_.port);
        struct stat st {};
        const int err = client_.stat(call, smbUrl(config_, {}), st);
        sdk::Status state = sdk::Status::ok();
        switch (err) {
        case 0:
            if (!S_ISDIR(st.st_mode)) state = sdk::Status::unreachable("the store's root on " + server + " is not a folder");
            break;
        case ENOENT: case ENOTDIR:
            state = sdk::Status::unreachable("the share '" + config_.share + "'" +
                                             (config_.folder.empty() ? "" : " or its folder") + " does not exist on " + server);
            break;
        case EACCES: case EPERM:
            state = sdk::Status::unreachable(server + " refused the user '" + config_.user +
                                             "' (wrong password, or no access to the share '" + config_.share + "')");
            break;
        case ECONNREFUSED:
            state = sdk::Status::unreachable(server + " refuses connections (is the file server down?)");
            break;
        case ETIMEDOUT:
            state = sdk::Status::unreachable(call.expired() ? "timed out before " + server + " answered"
                                                            : "no answer from " + server + " within " +
                                                                  std::to_string(config_.timeout.count()) + " ms");
            break;
        default:
            state = sdk::Status::unreachable("cannot reach " + server + ": " + reasonOf(err));
        }
        if (!(err == ETIMEDOUT && call.expired())) noteRoot(state);  // our own deadline says nothing of the server
        if (state.isOk()) probe.identity = "smb-ino:" + std::to_string(st.st_ino);
        return state;
    });
}

sdk::Status SmbStore::failure(const sdk::CallContext& call, int err, const std::string& path) {
    switch (err) {
    case ENOENT: case ENOTDIR: case EACCES: case EPERM: {
        // Only a root that answers makes these true of the entity.
        sdk::RootProbe root;
        if (auto reached = probe(call, root); !reached.isOk()) return reached;
        if (err == EACCES || err == EPERM) return sdk::Status::permissionDenied(quoted(path) + ": " + reasonOf(err));
        return sdk::Status::notFound(quoted(path) + " does not exist");
    }
    case EISDIR:
        return sdk::Status::invalidArgument(quoted(path) + " is a folder");
    case ENAMETOOLONG:
        return sdk::Status::invalidArgument(quoted(path) + ": " + reasonOf(err));
    case ETIMEDOUT:
        return sdk::Status::unreachable(call.expired() ? "timed out before " + quoted(path) + " could be reached"
                                                       : "no answer from the file server within " +
                                                             std::to_string(config_.timeout.count()) + " ms");
    case ECONNREFUSED: case ECONNABORTED: case ECONNRESET: case ENETRESET: case EPIPE: case EHOSTUNREACH:
    case ENETUNREACH: case ENOTCONN: case EINVAL: case EIO: {
        sdk::RootProbe root;
        if (auto reached = probe(call, root); !reached.isOk()) return reached;
        return sdk::Status::ioError(quoted(path) + ": " + reasonOf(err));
    }
    default:
        return sdk::Status::ioError(quoted(path) + ": " + reasonOf(err));
    }
}

sdk::Status SmbStore::stat(const sdk::CallContext& call, const std::string& path, sdk::EntityDetails& details) {
    return guarded([&] {
        std::string url;
        if (auto located = urlOf(path, url); !located.isOk()) return located;
        struct stat st {};
        if (const int err = client_.stat(call, url, st); err != 0) return failure(call, err, path);
        details = detailsOf(st, S_ISDIR(st.st_mode));
        return sdk::Status::ok();
    });
}

sdk::Status SmbStore::list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) {
    return guarded([&] {
        items.clear();
        std::string url;
        if (auto located = urlOf(path, url); !located.isOk()) return located;
        std::vector<SmbClient::Entry> entries;
        if (const int err = client_.list(call, url, entries); err != 0) {
            if (err == ENOTDIR) {  // a file: say so, rather than "not found"
                struct stat st {};
                if (client_.stat(call, url, st) == 0 && !S_ISDIR(st.st_mode))
                    return sdk::Status::invalidArgument(quoted(path) + " is a file, not a folder");
            }
            return failure(call, err, path);
        }
        items.reserve(entries.size());
        for (const auto& entry : entries) {
            // A name we could not address again is left out rather than half reported.
            if (entry.name.find('\\') != std::string::npos || entry.name.find('/') != std::string::npos) continue;
            items.push_back({fromServerName(entry.name), detailsOf(entry.st, entry.folder)});
        }
        return sdk::Status::ok();
    });
}

sdk::Status SmbStore::read(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                           std::size_t max_bytes, std::vector<char>& bytes) {
    return guarded([&] {
        bytes.clear();
        std::string url;
        if (auto located = urlOf(path, url); !located.isOk()) return located;
        if (const int err = client_.read(call, url, offset, max_bytes, bytes); err != 0) {
            struct stat st {};
            if (client_.stat(call, url, st) == 0 && S_ISDIR(st.st_mode))
                return sdk::Status::invalidArgument(quoted(path) + " is a folder");
            return failure(call, err, path);
        }
        return sdk::Status::ok();
    });
}

}  // namespace relaysync::storage_smb
