#include "protocol/message.h"

#include <array>
#include <utility>

namespace relaysync::core {

namespace {
constexpr std::array<std::pair<MessageType, const char*>, 17> kWireNames{{
    {MessageType::group_info, "group-info"},
    {MessageType::request_server_info, "request-server-info"},
    {MessageType::server_info, "server-info"},
    {MessageType::update_group_info, "update-group-info"},
    {MessageType::add_group_info, "add-group-info"},
    {MessageType::delete_group_info, "delete-group-info"},
    {MessageType::create_shared_resource, "create-shared-resource"},
    {MessageType::policy_data, "policy-data"},
    {MessageType::update_resource_info, "update-resource-info"},
    {MessageType::delete_resource_info, "delete-resource-info"},
    {MessageType::synchronize_instruction, "synchronize-instruction"},
    {MessageType::synchronize, "synchronize"},
    {MessageType::synchronize_result, "synchronize-result"},
    {MessageType::synchronize_progress, "synchronize-progress"},
    {MessageType::sync_digests, "sync-digests"},
    {MessageType::request_entries, "request-entries"},
    {MessageType::answer, "answer"},
}};
}  // namespace

const char* wireName(MessageType type) noexcept {
    for (const auto& [t, name] : kWireNames)
        if (t == type) return name;
    return "unknown";
}

std::optional<MessageType> messageTypeFromWire(const std::string& name) noexcept {
    for (const auto& [t, wire] : kWireNames)
        if (name == wire) return t;
    return std::nullopt;
}

}  // namespace relaysync::core
