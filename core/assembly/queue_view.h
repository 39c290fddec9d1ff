#pragma once
// What a node has waiting to be sent and what it set aside as undeliverable, as an operator
// sees it (relaysync-admin outbox, dead-letters): each message's type and id read from its
// payload, as JSON (exact values) and as text tables (values from the network escaped and
// shortened, see text_cell.h). Read-only.

#include <cstdint>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "persistence/message_store.h"

namespace relaysync::core {

// A waiting or set-aside message as far as its payload tells: its wire type and id, or
// "(unreadable)" and an empty id when the payload does not decode.
struct MessageLabel {
    std::string type;
    std::string id;
};
MessageLabel labelOf(const std::string& payload);

struct OutboxRow {
    std::string destination;
    std::size_t waiting = 0;
    std::int64_t oldest_seq = 0;  // there is no time in the outbox; seqs grow with time
    MessageLabel oldest;
};

struct DeadLetterRow {
    std::int64_t seq = 0;
    std::string destination;
    MessageLabel message;
    std::string reason;  // the transport's, as it said it
};

// Read inside the caller's hold on the node (Node::withEngine).
std::vector<OutboxRow> readOutbox(MessageStore& messages);
std::vector<DeadLetterRow> readDeadLetters(MessageStore& messages);

// {"destinations": [{"destination", "waiting", "oldest": {"seq", "type", "id"}}],
//  "text": DESTINATION WAITING OLDEST SEQ OLDEST TYPE OLDEST ID}
Poco::JSON::Object::Ptr outboxResult(const std::vector<OutboxRow>& rows);
// {"dead_letters": [{"seq", "destination", "type", "id", "reason"}],
//  "text": SEQ DESTINATION TYPE ID REASON}
Poco::JSON::Object::Ptr deadLettersResult(const std::vector<DeadLetterRow>& rows);

}  // namespace relaysync::core
