#pragma once
// Remote access (docs/protocol.md §4.7): a member browses and fetches a shared entity through
// its owner. These messages travel on the *ephemeral lane*: never stored, never de-duplicated,
// never in the outbox. Each payload is framed, so that content needs no base64:
//
//   relaysync-remote\n
//   {"relaysync":5,"type":"fetch-data","from":...,"to":...,"body":{...}}\n
//   <raw bytes of the chunk; empty for every other type>
//
// A normal protocol message starts with '{', so the first line tells the two lanes apart.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relaysync::core {

// First line of every remote-access payload.
inline constexpr const char* kRemoteLaneMagic = "relaysync-remote\n";
// Largest header line (JSON) accepted; the chunk bytes come after it.
inline constexpr std::size_t kMaxRemoteHeaderBytes = 256 * 1024;
// Largest chunk of content a fetch-data carries, whatever the transport could take.
inline constexpr std::size_t kMaxRemoteChunkBytes = 4 * 1024 * 1024;
// Largest browse answer: items beyond it are cut and counted (`more_items`).
inline constexpr std::size_t kMaxBrowseItems = 10000;

enum class RemoteType {
    browse_request,  // asker -> owner: list what is at the entry (and sub-path)
    browse_result,   // owner -> asker: the target's details and the items in it
    fetch_request,   // asker -> owner: bytes [offset, offset+length) of a file
    fetch_data,      // owner -> asker: those bytes (raw, after the header)
    remote_error,    // any node -> asker: why the transfer cannot go on; ends it
};

const char* wireName(RemoteType type) noexcept;
std::optional<RemoteType> remoteTypeFromWire(const std::string& name) noexcept;

// Why a browse or fetch failed (remote-error `code`); each maps to an exit code of
// relaysync-admin (docs/admin.md).
enum class RemoteErrorCode {
    offline,      // the owner, or a relay on the way, cannot be reached or did not answer
    gone,         // the entry or the path in it does not exist (any more)
    unreachable,  // the owner's store cannot be reached now
    not_member,   // the asker is not a member of the share (or the share is unknown there)
    refused,      // the owner's profile does not allow it (remote_access policy)
    bad_path,     // the sub-path is malformed or leads out of the shared entry
    changed,      // the file changed during the fetch, or since the part fetched before
    invalid,      // a malformed or out-of-order request
};
const char* wireName(RemoteErrorCode code) noexcept;
std::optional<RemoteErrorCode> remoteErrorFromWire(const std::string& name) noexcept;

// One item of a browse answer.
struct RemoteItem {
    std::string name;        // one path component
    bool folder = false;
    std::uint64_t size = 0;  // files: bytes; folders: 0 (not aggregated, to answer at once)
    std::int64_t modified_ms = 0;
    friend bool operator==(const RemoteItem&, const RemoteItem&) = default;
};

// One remote-access message. Which fields travel depends on the type (docs/protocol.md §4.7);
// the others keep their defaults.
struct RemoteMessage {
    RemoteType type = RemoteType::remote_error;
    std::string from, to;    // this hop: the authenticated sender and the receiver
    // Every type: the transfer (chosen by the asker, 32 hex digits), the two ends and the share,
    // so that every relay routes by accounts without state of its own.
    std::string transfer;
    std::string asker, owner, share_id;
    // Requests: which entry of the share, and the path inside it ("" = the entry itself).
    std::string entry, path;
    // fetch-request: the range asked; fetch-data: where the bytes start.
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    // fetch-request: the identity the asker expects (a resume); -1 = none.
    // fetch-data, browse-result: the file's identity as the owner read it.
    std::int64_t size = -1;
    std::int64_t modified_ms = 0;
    // browse-result
    bool folder = false;
    std::vector<RemoteItem> items;
    std::uint64_t more_items = 0;
    // fetch-data: the last chunk, with the owner's SHA-256 of the whole file ("sha256:<hex>").
    bool last = false;
    std::string hash;
    // remote-error
    RemoteErrorCode code = RemoteErrorCode::invalid;
    std::string reason;
    // fetch-data: the content.
    std::string data;
};

// The remote-error that answers `request` (same transfer, ends and share), from no one yet.
RemoteMessage remoteError(const RemoteMessage& request, RemoteErrorCode code, std::string reason);

// True when `payload` is on the remote-access lane (starts with kRemoteLaneMagic).
bool isRemotePayload(const std::string& payload) noexcept;
// Throws ProtocolError when the message would not decode (a field out of its bounds).
std::string encodeRemote(const RemoteMessage& message);
// Throws ProtocolError naming what is wrong: framing, header size, JSON, version, type, a field.
RemoteMessage decodeRemote(const std::string& payload);

}  // namespace relaysync::core
