#include "assembly/node_factory.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "checker/timestamp_size_checker.h"
#include "engine/entity_inspection.h"
#include "persistence/database.h"
#include "profile/profile_error.h"

namespace relaysync::core {

namespace {

// Runs one step of building the node named by `profile`, so that whatever it throws says which
// profile it was about. PluginError and ProfileError usually carry the profile's position
// already; they get the file name only when they do not.
template <class Step>
auto forProfile(const Profile& profile, Step&& step) {
    const std::string where = profile.source.empty() ? "profile of " + profile.account : profile.source;
    try {
        return step();
    } catch (const PluginError& e) {
        if (std::string(e.what()).find(where) != std::string::npos) throw;
        throw PluginError(e.kind(), e.plugin(), e.file(), e.reason(), SourcePosition{where, 0, 0});
    } catch (const ProfileError&) {
        throw;
    } catch (const DatabaseError& e) {
        throw DatabaseError(where + ": " + e.what());
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where + ": " + e.what());
    }
}

std::shared_ptr<sdk::EntityChecker> makeChecker(const Profile& profile, PluginHost& host) {
    const auto& choice = profile.checker;
    if (choice.plugin != kTimestampSizeChecker) return host.createChecker(choice);
    if (!choice.config.empty()) {
        const auto& key = choice.config.begin()->first;
        const auto position = choice.key_positions.find(key);
        throw ProfileError(position != choice.key_positions.end() ? position->second : choice.position,
                           "checker.config." + key,
                           std::string("the built-in checker '") + kTimestampSizeChecker + "' takes no config keys");
    }
    return std::make_shared<TimestampSizeChecker>();
}

RemoteAccessLevel levelOf(const std::string& text) {
    // The profile reader took only known levels.
    return remoteAccessLevelFrom(text).value_or(RemoteAccessLevel::info);
}

}  // namespace

RemoteAccessSettings remoteAccessSettingsOf(const Profile& profile) {
    RemoteAccessSettings settings;
    settings.policy.default_level = levelOf(profile.remote_access.default_level);
    for (const auto& [share, level] : profile.remote_access.shares) settings.policy.shares[share] = levelOf(level);
    for (const auto& [entry, level] : profile.remote_access.entries) settings.policy.entries[entry] = levelOf(level);
    settings.max_payload_bytes = profile.max_payload_bytes;
    settings.store_timeout = std::chrono::milliseconds(profile.store_call_timeout_ms);
    return settings;
}

CheckPolicy checkPolicyOf(const Profile& profile) {
    return CheckPolicy{profile.gone_entity, profile.max_removals_per_check,
                       std::chrono::milliseconds(profile.store_call_timeout_ms)};
}

std::unique_ptr<Node> buildNode(const Profile& profile, PluginHost& host,
                                std::shared_ptr<sdk::Transport> transport_override) {
    return forProfile(profile, [&] {
        Node::Parts parts;
        parts.transport = transport_override ? std::move(transport_override) : host.createTransport(profile.transport);
        const auto parts_transport = parts.transport;
        if (profile.role == NodeRole::terminal) {
            parts.checker = makeChecker(profile, host);
            parts.stores = std::make_unique<StoreRouter>();
            for (const auto& store : profile.stores) {
                auto made = host.createStore(store.plugin);
                // A checker that reads content is useless over a store that cannot give it.
                if (const auto mismatch = checkerStoreMismatch(*parts.checker, *made); !mismatch.empty())
                    throw ProfileError(store.plugin.position, "stores", "store '" + store.prefix + "': " + mismatch);
                parts.stores->add(store.prefix, std::move(made));
            }
        }
        parts.database = std::make_unique<Database>(profile.database);
        auto node = profile.role == NodeRole::relay
                        ? Node::relay(std::move(parts), profile.account, profile.display_name,
                                      RelayPolicy{profile.accept_invitations_from, profile.terminals})
                        : Node::terminal(std::move(parts), profile.account, profile.relay, checkPolicyOf(profile));
        node->withEngine([&](EngineBase& engine) {
            engine.setRetention({profile.tombstone_days * 24 * 3600 * 1000, profile.keep_sync_results,
                                 profile.keep_dead_letters});
            // Never more than the transport carries.
            engine.setMaxPayloadBytes(std::min(profile.max_payload_bytes, parts_transport->maxPayloadBytes()));
            engine.setDeferralLimits({profile.deferred_messages_per_sender, profile.deferred_bytes_per_sender,
                                      profile.deferred_messages, profile.deferred_bytes});
        });
        node->setRemoteAccess(remoteAccessSettingsOf(profile));
        return node;
    });
}

}  // namespace relaysync::core
