#include "engine/relay_engine.h"

#include "engine/sync_messages.h"
#include "protocol/bodies.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

RelayEngine::RelayEngine(Database& database, std::string account, std::string display_name)
    : EngineBase(database, std::move(account)),
      display_name_(std::move(display_name)),
      fanout_(syncs_, [this](const std::string& to, const SyncReport& report) {
          if (to.empty()) {
              log().information("%s: synchronize %s finished: %s", account_, report.sync_id, report.summary());
              return;
          }
          send(MessageType::synchronize_result, to, reportBody(report));
      }) {}

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
        fanout_.onReport(message.from, reportFromJson(json::requireObject(message.body, "report", "body"), "body.report"));
        return HandleResult::applied();
    case MessageType::answer:
        if (!message.body->optValue<bool>("ok", false))
            log().warning("%s: %s refused %s %s: %s", account_, message.from,
                          json::optionalString(message.body, "re_type"), json::optionalString(message.body, "re"),
                          json::optionalString(message.body, "reason"));
        return HandleResult::applied();
    }
    return HandleResult::refused("a relay does not handle this message type");
}

std::string RelayEngine::ownRelayTerminal(const RelayGroup& group, const std::string& account) const {
    const auto* terminal = group.findTerminal(account);
    return terminal && terminal->relay == account_ ? terminal->account : std::string{};
}

}  // namespace relaysync::core
