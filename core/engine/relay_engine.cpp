#include "engine/relay_engine.h"

#include "engine/sync_messages.h"
#include "protocol/bodies.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

RelayEngine::RelayEngine(Database& database, std::string account, std::string display_name)
    : EngineBase(database, std::move(account)),
      display_name_(std::move(display_name)) {}

HandleResult RelayEngine::handle(const Message& message) {
    switch (message.type) {
    case MessageType::group_info: return onGroupInfo(message);
    case MessageType::update_group_info: return onUpdateGroupInfo(message);
    case MessageType::request_server_info: return onRequestServerInfo(message);
    case MessageType::server_info: return onServerInfo(message);
    case MessageType::add_group_info: return onTerminalGroupInfo(message, false);
    case MessageType::delete_group_info: return onTerminalGroupInfo(message, true);
    case MessageType::create_shared_resource: return onCreateSharedResource(message);
    case MessageType::policy_data: return onPolicyData(message);
    case MessageType::update_resource_info: return onResourceInfo(message, false);
    case MessageType::delete_resource_info: return onResourceInfo(message, true);
    case MessageType::synchronize_instruction:
    case MessageType::synchronize: return onSynchronize(message);
    case MessageType::synchronize_result:
    case MessageType::answer: return handleReply(message);
    }
    return HandleResult::refused("a relay does not handle this message type");
}

std::string RelayEngine::ownRelayTerminal(const RelayGroup& group, const std::string& account) const {
    const auto* terminal = group.findTerminal(account);
    return terminal && terminal->relay == account_ ? terminal->account : std::string{};
}

}  // namespace relaysync::core
