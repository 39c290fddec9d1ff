#include "engine/relay_engine.h"

#include "engine/sync_messages.h"
#include "protocol/bodies.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

RelayEngine::RelayEngine(Database& database, std::string account, std::string display_name, RelayPolicy policy)
    : EngineBase(database, std::move(account)),
      display_name_(std::move(display_name)),
      policy_(std::move(policy)),
      invitations_(database) {}

namespace {

// Who may send each type to a relay (docs/protocol.md, "Trust rules").
enum class Senders { relays, own_terminals, either };

Senders sendersOf(MessageType type) {
    switch (type) {
    case MessageType::create_shared_resource:
    case MessageType::synchronize_instruction: return Senders::own_terminals;
    case MessageType::update_resource_info:
    case MessageType::delete_resource_info:
    case MessageType::synchronize_result:
    case MessageType::answer: return Senders::either;
    default: return Senders::relays;
    }
}

}  // namespace

// The role the transport proved; a transport that proves none (plaintext test mode, test
// networks) leaves it to what this relay knows: a terminal admitted here is a terminal.
sdk::PeerRole RelayEngine::roleOf(const Message& message) {
    if (message.from_role != sdk::PeerRole::unknown) return message.from_role;
    return groups_.isTerminalOf(message.from, account_) ? sdk::PeerRole::terminal : sdk::PeerRole::relay;
}

HandleResult RelayEngine::handle(const Message& message) {
    const auto role = roleOf(message);
    const auto senders = sendersOf(message.type);
    if (senders == Senders::relays && role != sdk::PeerRole::relay)
        return HandleResult::refused(std::string("only a relay may send ") + wireName(message.type) + ", and " +
                                     message.from + " is a " + sdk::toString(role));
    if (senders == Senders::own_terminals && role != sdk::PeerRole::terminal)
        return HandleResult::refused(std::string("only a terminal of this relay may send ") + wireName(message.type) +
                                     ", and " + message.from + " is a " + sdk::toString(role));
    switch (message.type) {
    case MessageType::group_info: return onGroupInfo(message);
    case MessageType::update_group_info: return onUpdateGroupInfo(message);
    case MessageType::request_server_info: return onRequestServerInfo(message);
    case MessageType::server_info: return onServerInfo(message);
    case MessageType::add_group_info: return onTerminalGroupInfo(message, false);
    case MessageType::delete_group_info: return onTerminalGroupInfo(message, true);
    case MessageType::create_shared_resource: return onCreateSharedResource(message);
    case MessageType::policy_data: return onPolicyData(message);
    case MessageType::update_resource_info: return onResourceInfo(message, role, false);
    case MessageType::delete_resource_info: return onResourceInfo(message, role, true);
    case MessageType::synchronize_instruction:
    case MessageType::synchronize: return onSynchronize(message);
    case MessageType::sync_digests: return onSyncDigests(message);
    case MessageType::request_entries: return onRequestEntries(message);
    case MessageType::synchronize_result:
    case MessageType::synchronize_progress:
    case MessageType::answer: return handleReply(message);
    }
    return HandleResult::refused("a relay does not handle this message type");
}

std::string RelayEngine::ownRelayTerminal(const RelayGroup& group, const std::string& account) const {
    const auto* terminal = group.findTerminal(account);
    return terminal && terminal->relay == account_ ? terminal->account : std::string{};
}

}  // namespace relaysync::core
