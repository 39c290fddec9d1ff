#include "assembly/queue_view.h"

#include <Poco/JSON/Array.h>

#include "model/text_cell.h"
#include "assembly/text_table.h"
#include "protocol/codec.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

MessageLabel labelOf(const std::string& payload) {
    try {
        const auto message = decode(payload);
        return {wireName(message.type), message.id};
    } catch (const ProtocolError&) {
        return {"(unreadable)", ""};
    }
}

std::vector<OutboxRow> readOutbox(MessageStore& messages) {
    std::vector<OutboxRow> rows;
    for (const auto& each : messages.outboxSummary())
        rows.push_back({each.destination, each.count, each.oldest.seq, labelOf(each.oldest.payload)});
    return rows;
}

std::vector<DeadLetterRow> readDeadLetters(MessageStore& messages) {
    std::vector<DeadLetterRow> rows;
    for (const auto& each : messages.deadLetters())
        rows.push_back({each.seq, each.destination, labelOf(each.payload), each.reason});
    return rows;
}

Poco::JSON::Object::Ptr outboxResult(const std::vector<OutboxRow>& rows) {
    Poco::JSON::Array::Ptr destinations = new Poco::JSON::Array;
    TextTable table({{"DESTINATION"},
                     {"WAITING", TextTable::Align::right},
                     {"OLDEST SEQ", TextTable::Align::right},
                     {"OLDEST TYPE"},
                     {"OLDEST ID"}});
    for (const auto& row : rows) {
        Poco::JSON::Object::Ptr oldest = new Poco::JSON::Object;
        oldest->set("seq", row.oldest_seq);
        oldest->set("type", row.oldest.type);
        oldest->set("id", row.oldest.id);
        Poco::JSON::Object::Ptr each = new Poco::JSON::Object;
        each->set("destination", row.destination);
        each->set("waiting", row.waiting);
        each->set("oldest", oldest);
        destinations->add(each);
        table.addRow({tableCell(row.destination), std::to_string(row.waiting), std::to_string(row.oldest_seq),
                      row.oldest.type, tableCell(row.oldest.id)});
    }
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    result->set("destinations", destinations);
    result->set("text", rows.empty() ? "No messages wait to be sent.\n" : table.render());
    return result;
}

Poco::JSON::Object::Ptr deadLettersResult(const std::vector<DeadLetterRow>& rows) {
    Poco::JSON::Array::Ptr letters = new Poco::JSON::Array;
    TextTable table({{"SEQ", TextTable::Align::right}, {"DESTINATION"}, {"TYPE"}, {"ID"}, {"REASON"}});
    for (const auto& row : rows) {
        Poco::JSON::Object::Ptr each = new Poco::JSON::Object;
        each->set("seq", row.seq);
        each->set("destination", row.destination);
        each->set("type", row.message.type);
        each->set("id", row.message.id);
        each->set("reason", row.reason);
        letters->add(each);
        table.addRow({std::to_string(row.seq), tableCell(row.destination), row.message.type, tableCell(row.message.id),
                      tableCell(row.reason, 80)});
    }
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    result->set("dead_letters", letters);
    result->set("text", rows.empty() ? "No dead letters.\n" : table.render());
    return result;
}

}  // namespace relaysync::core
