// Fuzz target: the protocol codec and the body decoders, on bytes as a peer sends them.
// A node decodes every payload its transport hands over (EngineBase::process): decode() and the
// decoder of the message type's body may refuse it with ProtocolError, and nothing else. Any
// other exception would make the engine treat the message as a storage failure and leave it
// unacknowledged, so the sender retries it for ever; libFuzzer reports it as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>

#include "engine/group_messages.h"
#include "engine/share_messages.h"
#include "engine/sync_messages.h"
#include "protocol/bodies.h"
#include "protocol/codec.h"
#include "protocol/json_fields.h"
#include "protocol/message_id.h"
#include "protocol/protocol_error.h"
#include "protocol/remote_message.h"

using namespace relaysync::core;

namespace {

// The body reads of each handler, as the relay and terminal engines do them.
void decodeBody(const Message& message) {
    const auto& body = message.body;
    switch (message.type) {
    case MessageType::group_info:
    case MessageType::update_group_info: GroupUpdate::fromBody(body); break;
    case MessageType::request_server_info: ServerInfoRequest::fromBody(body); break;
    case MessageType::server_info: ServerInfo::fromBody(body); break;
    case MessageType::add_group_info:
    case MessageType::delete_group_info: TerminalChange::fromBody(body); break;
    case MessageType::create_shared_resource: ShareDefinition::fromBody(body); break;
    case MessageType::policy_data: PolicyData::fromBody(body); break;
    case MessageType::update_resource_info:
    case MessageType::delete_resource_info:
        json::requireString(body, "share_id", "body");
        entriesFromJson(body, "entries", "body");
        break;
    case MessageType::synchronize_instruction:
    case MessageType::synchronize: SyncRequest::fromBody(body); break;
    case MessageType::synchronize_result:
        reportFromJson(json::requireObject(body, "report", "body"), "body.report");
        digestsOf(body);
        break;
    case MessageType::synchronize_progress: SyncProgress::fromBody(body); break;
    case MessageType::sync_digests: SyncDigests::fromBody(body); break;
    case MessageType::request_entries: EntriesRequest::fromBody(body); break;
    case MessageType::answer:
        body->optValue<bool>("ok", false);
        json::optionalString(body, "re_type");
        json::optionalString(body, "re");
        json::optionalString(body, "reason");
        break;
    }
}

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_protocol: %s\n", what);
    std::abort();
}

// What the engine decodes with its entries taken apart (EntriesIn::apart) must be what the
// body's own reading gives: the same entries, or a ProtocolError for the same bad entry.
void entriesTakenApartAgree(const std::string& payload, const Message& whole) {
    std::string whole_error, apart_error;
    std::vector<ResourceEntry> whole_entries, apart_entries;
    const bool has_entries = whole.body->has("entries");
    try {
        if (has_entries) whole_entries = entriesFromJson(whole.body, "entries", "body");
    } catch (const ProtocolError& e) {
        whole_error = e.what();
    }
    Message apart;
    try {
        apart = decode(payload, EntriesIn::apart);
        std::vector<ResourceEntry> storage;
        if (has_entries) apart_entries = entriesOf(apart, storage);
    } catch (const ProtocolError& e) {
        apart_error = e.what();
    }
    if (whole_error != apart_error) {
        std::fprintf(stderr, "fuzz_protocol: whole '%s', apart '%s'\n", whole_error.c_str(), apart_error.c_str());
        fail("entries taken apart by the parser are refused otherwise than from the body");
    }
    if (whole_entries != apart_entries) fail("entries taken apart by the parser differ from the body's");
    if (apart.entries && apart.body->has("entries")) fail("entries taken apart are still in the body");
}

}  // namespace

// The remote-access lane (docs/protocol.md §4.7), which Node::onMessage decodes instead: only
// ProtocolError escapes, and what decodes encodes to bytes that decode to the same message.
int remoteLane(const std::string& payload) {
    RemoteMessage message;
    try {
        message = decodeRemote(payload);
    } catch (const ProtocolError&) {
        return 0;
    }
    RemoteMessage again;
    try {
        again = decodeRemote(encodeRemote(message));
    } catch (const ProtocolError& e) {
        std::fprintf(stderr, "fuzz_protocol: %s\n", e.what());
        fail("a decoded remote-access message does not encode and decode again");
    }
    if (again.type != message.type || again.transfer != message.transfer || again.data != message.data ||
        again.offset != message.offset || again.items != message.items || again.reason != message.reason)
        fail("a remote-access message changed on its way through encode and decode");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string payload(reinterpret_cast<const char*>(data), size);
    if (isRemotePayload(payload)) return remoteLane(payload);
    Message message;
    try {
        message = decode(payload);
    } catch (const ProtocolError&) {
        return 0;
    }
    parseMessageId(message.id, message.from);

    // What a node decoded, it can encode again, and that decodes to the same envelope.
    Message again;
    try {
        again = decode(encode(message));
    } catch (const ProtocolError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        fail("a decoded message does not survive encode + decode");
    }
    if (again.type != message.type || again.id != message.id || again.from != message.from || again.to != message.to)
        fail("encode + decode changed the envelope");

    try {
        decodeBody(message);
    } catch (const ProtocolError&) {
    }
    entriesTakenApartAgree(payload, message);
    return 0;
}
