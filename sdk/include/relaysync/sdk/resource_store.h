#pragma once
// Resource store: where resource entities (files and folders) live, e.g. a local disk or an
// SMB share. A store is mounted at one root; every path it is given is relative to that root.
// The guide (docs/sdk-guide.md) walks through writing one; the conformance suite
// (relaysync-store-conformance) checks one.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/entity.h"
#include "relaysync/sdk/status.h"
#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

// What a store can do beyond the required minimum; core uses what is declared and falls back
// where it is not. Bits of ResourceStore::capabilities(), named StoreCapability::list_details
// and so on. New bits come with minor versions; a host ignores bits it does not know.
namespace StoreCapability {
// list() fills each item's time, size and identity (readdir + fstatat, an SMB directory
// listing): core does not stat the items one by one.
inline constexpr std::uint32_t list_details = 1u << 0;
// probe() reports an identity of the root (a volume id, a marker): a replaced or unmounted
// root is told apart from a root whose entities were all removed.
inline constexpr std::uint32_t root_identity = 1u << 1;
// stat() and list() fill EntityDetails::identity: a checker may cache by it.
inline constexpr std::uint32_t entity_identity = 1u << 2;
// read() returns content: a checker that needs content can be used with this store.
inline constexpr std::uint32_t content = 1u << 3;
}  // namespace StoreCapability

// What probe() found at the root.
struct RootProbe {
    // Names the root's instance where the store can tell one: e.g. "dev:ino" of the root folder,
    // a volume serial, a marker file's id. Empty when the store has no such thing. A different
    // identity than last time means the root was replaced (remounted, restored, another share):
    // core then reads nothing from it as "gone" until an operator accepts the new root.
    std::string identity;
};

class RELAYSYNC_SDK_VISIBLE ResourceStore {
public:
    virtual ~ResourceStore() = default;

    // Paths: relative to the store root, '/'-separated, e.g. "folderA/budget.xls"; "" is the
    // root itself. A store must refuse (invalid_argument) any path that is absolute, contains a
    // ".." component, an empty or "." component (so "a//b", "./a", "a/"), or a NUL byte, or that
    // resolves (through symlinks or otherwise) outside its root. Core also rejects such paths
    // before calling, but a store must not rely on it.
    //
    // Outcomes, for every method:
    //   ok            the entity was reached and the answer is true now;
    //   not_found     the root is reachable and the entity does not exist: it is gone;
    //   unreachable   the root itself cannot be reached (unmounted drive, server down, bad
    //                 credentials), or the call's deadline passed: nothing can be said about the
    //                 entity, which must NOT be treated as gone;
    //   other codes   reached but failed; the message says why.
    // Output parameters are replaced, not appended to; on failure their content is unspecified.
    // Symlinks are followed (a link is reported as what it points to, identity included) as
    // long as they stay inside the root. A path through a link that leads out of the root is refused
    // (invalid_argument), one through a loop fails (io_error), and list() leaves such links out.
    // Paths are spelled one way only: no empty or "." components.
    //
    // Threads: every method may be called from several threads at once.
    // Deadline: past `call.deadline` a method returns unreachable ("timed out") instead of
    // waiting on; a long listing or read checks it as it goes.
    // Errors are values: a method never throws (the host treats an escaping exception as a bug
    // of the plugin and reports it as `internal`).

    // What this store can do beyond the minimum: StoreCapability::... bits, or-ed. Constant for
    // an instance.
    virtual std::uint32_t capabilities() const = 0;

    // Whether the root can be reached now, and which root it is. ok with `probe` filled, or
    // unreachable with the reason (missing, unmounted, server down, marker missing).
    virtual Status probe(const CallContext& call, RootProbe& probe) = 0;

    // Kind, modification time and size of one entity, and its identity with entity_identity.
    // For a folder, size is 0 and the time is the folder's own; core aggregates folders itself.
    virtual Status stat(const CallContext& call, const std::string& path, EntityDetails& details) = 0;

    // The items directly inside a folder, in no particular order; with list_details each with
    // its time and size (and identity, with entity_identity too), otherwise with its kind only.
    // Listing a file: invalid_argument.
    virtual Status list(const CallContext& call, const std::string& path, FolderListing& items) = 0;

    // Up to `max_bytes` bytes of a file from `offset`; fewer (possibly none) at the end of it,
    // and possibly fewer before it (a caller reads on until it gets none). Reading a folder, or
    // any read without the content capability: invalid_argument.
    virtual Status read(const CallContext& call, const std::string& path, std::uint64_t offset,
                        std::size_t max_bytes, std::vector<char>& bytes) = 0;

    // A short human description for logs and status pages, e.g. "local:/srv/share".
    // Never includes secrets.
    virtual std::string describe() const = 0;

    // Optional interfaces added after 2.0 without a major bump are asked for by name; nullptr
    // when the store has none of that name (see docs/sdk-abi.md). None are defined in 2.0.
    virtual void* extension(const char* /*name*/) { return nullptr; }
};

}  // namespace relaysync::sdk
