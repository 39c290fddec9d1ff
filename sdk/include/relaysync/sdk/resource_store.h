#pragma once
// Resource store: where resource entities (files and folders) live, e.g. a local disk or an
// SMB share. A store is mounted at one root; every path it is given is relative to that root.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "relaysync/sdk/entity.h"
#include "relaysync/sdk/status.h"
#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

class RELAYSYNC_SDK_VISIBLE ResourceStore {
public:
    virtual ~ResourceStore() = default;

    // Paths: relative to the store root, '/'-separated, e.g. "folderA/budget.xls"; "" is the
    // root itself. A store must refuse (invalid_argument) any path that is absolute, contains a
    // ".." component, or resolves (through symlinks or otherwise) outside its root. Core also
    // rejects such paths before calling, but a store must not rely on it.
    //
    // Outcomes, for every method:
    //   ok            the entity was reached and the answer is true now;
    //   not_found     the root is reachable and the entity does not exist: it is gone;
    //   unreachable   the root itself cannot be reached (unmounted drive, server down, bad
    //                 credentials): nothing can be said about the entity, which must NOT be
    //                 treated as gone;
    //   other codes   reached but failed; the message says why.
    // Output parameters are replaced, not appended to; on failure their content is unspecified.
    // Symlinks are followed (a link is reported as what it points to) as long as they stay
    // inside the root. Paths are spelled one way only: no empty or "." components.
    // Methods may be called from several threads at once; a store must be safe for that.

    // Kind, modification time and size of one entity. For a folder, size is 0 and the time is
    // the folder's own; core aggregates folders itself from list().
    virtual Status stat(const std::string& path, EntityDetails& details) = 0;

    // The items directly inside a folder, in no particular order.
    virtual Status list(const std::string& path, FolderListing& items) = 0;

    // Up to `max_bytes` bytes of a file from `offset`; fewer (possibly none) at the end of it.
    virtual Status read(const std::string& path, std::uint64_t offset, std::size_t max_bytes,
                        std::vector<char>& bytes) = 0;

    // A short human description for logs and status pages, e.g. "local:/srv/share".
    // Never includes secrets.
    virtual std::string describe() const = 0;
};

}  // namespace relaysync::sdk
