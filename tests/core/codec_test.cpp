// The one codec every transport carries: what round-trips, and that every malformed payload is
// refused with a ProtocolError naming what is wrong.
#include <cppunit/extensions/HelperMacros.h>

#include <limits>
#include <set>
#include <sstream>

#include <Poco/JSON/Parser.h>

#include "core_test_support.h"
#include "protocol/codec.h"
#include "protocol/json_fields.h"
#include "protocol/message.h"
#include "protocol/protocol_error.h"

namespace relaysync::core::coretest {

namespace {
std::string envelope(const std::string& fields) {
    return "{" + fields + "}";
}
// The envelope's version field, for this node's version or another.
std::string versionField(int version = kProtocolVersion) {
    return "\"relaysync\":" + std::to_string(version);
}
const std::string kGood =
    versionField() +
    R"(,"type":"answer","id":"relay-server1@net#1","from":"relay-server1@net","to":"relay-server2@net","body":{})";

std::string decodeError(const std::string& bytes) {
    return thrownMessage<ProtocolError>([&] { decode(bytes); });
}
}  // namespace

class CodecTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CodecTest);
    CPPUNIT_TEST(everyMessageTypeHasAWireNameThatMapsBack);
    CPPUNIT_TEST(unknownWireNameIsNotAType);
    CPPUNIT_TEST(encodeThenDecodeKeepsEveryField);
    CPPUNIT_TEST(encodedEnvelopeCarriesTheProtocolVersion);
    CPPUNIT_TEST(envelopeIsWhatPocoWritesForTheSameObject);
    CPPUNIT_TEST(wellFormedHandWrittenPayloadDecodes);
    CPPUNIT_TEST(oversizedPayloadIsRefusedBeforeParsing);
    CPPUNIT_TEST(invalidJsonIsRefused);
    CPPUNIT_TEST(jsonThatIsNotAnObjectIsRefused);
    CPPUNIT_TEST(trailingGarbageIsRefused);
    CPPUNIT_TEST(deeplyNestedBodyIsRefusedWithoutExhaustingTheStack);
    CPPUNIT_TEST(otherProtocolVersionIsRefused);
    CPPUNIT_TEST(unknownTypeIsRefusedByName);
    CPPUNIT_TEST(missingFieldsAreNamed);
    CPPUNIT_TEST(wrongFieldTypesAreNamed);
    CPPUNIT_TEST(emptyIdIsRefused);
    CPPUNIT_TEST(integerBeyond64BitsIsRefused);
    CPPUNIT_TEST(optionalStringToleratesAbsenceAndWrongType);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyMessageTypeHasAWireNameThatMapsBack() {
        const MessageType all[] = {MessageType::group_info,          MessageType::request_server_info,
                                   MessageType::server_info,         MessageType::update_group_info,
                                   MessageType::add_group_info,      MessageType::delete_group_info,
                                   MessageType::create_shared_resource, MessageType::policy_data,
                                   MessageType::update_resource_info, MessageType::delete_resource_info,
                                   MessageType::synchronize_instruction, MessageType::synchronize,
                                   MessageType::synchronize_result,  MessageType::synchronize_progress,
                                   MessageType::sync_digests,        MessageType::request_entries,
                                   MessageType::answer};
        std::set<std::string> names;
        for (const auto type : all) {
            const std::string name = wireName(type);
            CPPUNIT_ASSERT(name != "unknown");
            names.insert(name);
            const auto back = messageTypeFromWire(name);
            CPPUNIT_ASSERT(back.has_value());
            CPPUNIT_ASSERT(*back == type);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t{17}, names.size());
        CPPUNIT_ASSERT_EQUAL(std::string("group-info"), std::string(wireName(MessageType::group_info)));
        CPPUNIT_ASSERT_EQUAL(std::string("policy-data"), std::string(wireName(MessageType::policy_data)));
    }

    void unknownWireNameIsNotAType() {
        CPPUNIT_ASSERT(!messageTypeFromWire("group_info").has_value());
        CPPUNIT_ASSERT(!messageTypeFromWire("").has_value());
        CPPUNIT_ASSERT(!messageTypeFromWire("Answer").has_value());
    }

    void encodeThenDecodeKeepsEveryField() {
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("share_id", std::string("20071001150032client11@relay-server1.net"));
        body->set("count", 7);
        body->set("note", std::string("quote \" backslash \\ newline \n unicode \xE6\x9D\xB1\xE4\xBA\xAC"));
        const auto bytes = makePayload(MessageType::policy_data, kClient11 + "#7", kClient11, kRelay1, body);

        const auto message = decode(bytes);
        CPPUNIT_ASSERT(message.type == MessageType::policy_data);
        CPPUNIT_ASSERT_EQUAL(kClient11 + "#7", message.id);
        CPPUNIT_ASSERT_EQUAL(kClient11, message.from);
        CPPUNIT_ASSERT_EQUAL(kRelay1, message.to);
        CPPUNIT_ASSERT_EQUAL(std::string("20071001150032client11@relay-server1.net"),
                             json::requireString(message.body, "share_id", "body"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, json::requireInt(message.body, "count", "body"));
        CPPUNIT_ASSERT_EQUAL(body->getValue<std::string>("note"), json::requireString(message.body, "note", "body"));
    }

    void encodedEnvelopeCarriesTheProtocolVersion() {
        const auto bytes = makePayload(MessageType::answer, "a#1", kRelay1, kRelay2);
        RS_ASSERT_CONTAINS(bytes, versionField());
        RS_ASSERT_CONTAINS(bytes, "\"type\":\"answer\"");
    }

    // The envelope is written around a body made into text once (for several destinations):
    // byte for byte what Poco writes for the whole message as one object.
    void envelopeIsWhatPocoWritesForTheSameObject() {
        Message message;
        message.type = MessageType::update_resource_info;
        message.id = "client11@relay-server1.net#0abc.7";
        message.from = "client11@relay-server1.net";
        message.to = "relay-server1.net";
        message.body->set("share_id", "s\"1/\u00e9\n");
        Poco::JSON::Array::Ptr entries = new Poco::JSON::Array;
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
        entry->set("name", "a\tb");
        entry->set("size", 12);
        entries->add(entry);
        message.body->set("entries", entries);
        Poco::JSON::Object whole;
        whole.set("relaysync", kProtocolVersion);
        whole.set("type", std::string(wireName(message.type)));
        whole.set("id", message.id);
        whole.set("from", message.from);
        whole.set("to", message.to);
        whole.set("body", message.body);
        std::ostringstream poco;
        whole.stringify(poco);
        CPPUNIT_ASSERT_EQUAL(poco.str(), encode(message));
        CPPUNIT_ASSERT_EQUAL(poco.str(), encode(message, stringifyBody(*message.body)));
    }

    void wellFormedHandWrittenPayloadDecodes() {
        const auto message = decode(envelope(kGood));
        CPPUNIT_ASSERT(message.type == MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(kRelay2, message.to);
        CPPUNIT_ASSERT(message.body);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, message.body->size());
    }

    void oversizedPayloadIsRefusedBeforeParsing() {
        const std::string huge(kMaxMessageBytes + 1, ' ');
        const auto error = decodeError(huge);
        RS_ASSERT_CONTAINS(error, "exceeds the limit");
        RS_ASSERT_CONTAINS(error, std::to_string(kMaxMessageBytes));
    }

    void invalidJsonIsRefused() {
        RS_ASSERT_CONTAINS(decodeError("not json at all"), "JSON");
        RS_ASSERT_CONTAINS(decodeError("{\"relaysync\":1,"), "JSON");
        CPPUNIT_ASSERT_THROW(decode(""), ProtocolError);
        // Text that is not UTF-8 is refused with the rest of the JSON.
        auto payload = makePayload(MessageType::group_info, "relay-server1@net#1", "relay-server1@net",
                                   "client11@relay-server1.net");
        payload.insert(payload.rfind('}'), ",\"x\":\"\xff\xfe\"");
        CPPUNIT_ASSERT_THROW(decode(payload), ProtocolError);
    }

    void jsonThatIsNotAnObjectIsRefused() {
        CPPUNIT_ASSERT_THROW(decode("[1,2,3]"), ProtocolError);
        CPPUNIT_ASSERT_THROW(decode("42"), ProtocolError);
        CPPUNIT_ASSERT_THROW(decode("\"text\""), ProtocolError);
        CPPUNIT_ASSERT_THROW(decode("null"), ProtocolError);
    }

    void trailingGarbageIsRefused() {
        CPPUNIT_ASSERT_THROW(decode(envelope(kGood) + " {}"), ProtocolError);
        CPPUNIT_ASSERT_THROW(decode(envelope(kGood) + "x"), ProtocolError);
        CPPUNIT_ASSERT_NO_THROW(decode(envelope(kGood) + "\n"));
    }

    void deeplyNestedBodyIsRefusedWithoutExhaustingTheStack() {
        const std::size_t depth = 1'000'000;  // fits in the size limit
        const auto bytes = "{" + versionField() + R"(,"type":"answer","id":"a#1","from":"a","to":"b","body":{"x":)" +
                           std::string(depth, '[') + std::string(depth, ']') + "}}";
        CPPUNIT_ASSERT(bytes.size() < kMaxMessageBytes);
        CPPUNIT_ASSERT_THROW(decode(bytes), ProtocolError);
    }

    void otherProtocolVersionIsRefused() {
        const auto withVersion = [](const std::string& field) {
            std::string bytes = envelope(kGood);
            return bytes.replace(bytes.find(versionField()), versionField().size(), field);
        };
        RS_ASSERT_CONTAINS(decodeError(withVersion(versionField(kProtocolVersion + 1))),
                           "protocol version " + std::to_string(kProtocolVersion + 1));
        RS_ASSERT_CONTAINS(decodeError(withVersion(versionField(kProtocolVersion - 1))),
                           "protocol version " + std::to_string(kProtocolVersion - 1) + ", this node speaks " +
                               std::to_string(kProtocolVersion));
        RS_ASSERT_CONTAINS(decodeError(withVersion("\"relaysync\":\"" + std::to_string(kProtocolVersion) + "\"")),
                           "message.relaysync");
    }

    void unknownTypeIsRefusedByName() {
        std::string bytes = envelope(kGood);
        bytes.replace(bytes.find("\"answer\""), 8, "\"reboot\"");
        RS_ASSERT_CONTAINS(decodeError(bytes), "unknown type 'reboot'");
    }

    void missingFieldsAreNamed() {
        for (const std::string field : {"relaysync", "type", "id", "from", "to", "body"}) {
            Poco::JSON::Parser parser;
            auto object = parser.parse(envelope(kGood)).extract<Poco::JSON::Object::Ptr>();
            object->remove(field);
            std::ostringstream out;
            object->stringify(out);
            RS_ASSERT_CONTAINS(decodeError(out.str()), "missing field 'message." + field + "'");
        }
    }

    void wrongFieldTypesAreNamed() {
        std::string numeric_from = envelope(kGood);
        numeric_from.replace(numeric_from.find("\"from\":\"relay-server1@net\""), 26, "\"from\":5");
        RS_ASSERT_CONTAINS(decodeError(numeric_from), "'message.from' must be a string");

        std::string array_body = envelope(kGood);
        array_body.replace(array_body.find("\"body\":{}"), 9, "\"body\":[]");
        RS_ASSERT_CONTAINS(decodeError(array_body), "'message.body' must be an object");

        std::string null_to = envelope(kGood);
        null_to.replace(null_to.find("\"to\":\"relay-server2@net\""), 24, "\"to\":null");
        RS_ASSERT_CONTAINS(decodeError(null_to), "'message.to' is null");
    }

    void emptyIdIsRefused() {
        std::string bytes = envelope(kGood);
        bytes.replace(bytes.find("\"id\":\"relay-server1@net#1\""), 26, "\"id\":\"\"");
        RS_ASSERT_CONTAINS(decodeError(bytes), "'message.id' is empty");
    }

    void integerBeyond64BitsIsRefused() {
        Poco::JSON::Parser parser;
        const auto object =
            parser.parse("{\"big\":18446744073709551615,\"neg\":-9223372036854775808,\"real\":1.5}")
                .extract<Poco::JSON::Object::Ptr>();
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { json::requireInt(object, "big", "body"); }),
                           "'body.big' must be an integer");
        CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::int64_t>::min(), json::requireInt(object, "neg", "body"));
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { json::requireInt(object, "real", "body"); }),
                           "'body.real' must be an integer");
    }

    void optionalStringToleratesAbsenceAndWrongType() {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        object->set("name", std::string("workspace1"));
        object->set("count", 3);
        CPPUNIT_ASSERT_EQUAL(std::string("workspace1"), json::optionalString(object, "name"));
        CPPUNIT_ASSERT_EQUAL(std::string(), json::optionalString(object, "count"));
        CPPUNIT_ASSERT_EQUAL(std::string(), json::optionalString(object, "missing"));
        CPPUNIT_ASSERT_EQUAL(std::string(), json::optionalString(nullptr, "name"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CodecTest);

}  // namespace relaysync::core::coretest
