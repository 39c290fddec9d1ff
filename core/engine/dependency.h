#pragma once
// What a deferred message waits for, as a key stored with it: after a change the engine asks,
// once per distinct key, whether it is there now, and retries only the messages waiting for
// the keys that are. A change thus costs a lookup per missing thing, not a re-parse of every
// waiting message.

#include <string>

#include "persistence/group_repository.h"
#include "persistence/share_repository.h"

namespace relaysync::core::dependency {

std::string group(const std::string& group_id);
std::string share(const std::string& share_id);
// `relay` is a live member of `group_id`.
std::string relayIn(const std::string& group_id, const std::string& relay);
// `terminal` is a shareable terminal of `group_id`, so its relay is known there.
std::string terminalIn(const std::string& group_id, const std::string& terminal);

// Whether what `key` names is here now. An empty or unknown key counts as met, so that its
// messages are retried (messages deferred before keys existed have none).
bool met(const std::string& key, GroupRepository& groups, ShareRepository& shares);

}  // namespace relaysync::core::dependency
