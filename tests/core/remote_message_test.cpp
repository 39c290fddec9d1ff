// The remote-access lane's codec (docs/protocol.md §4.7): every type round-trips, content is
// carried as raw bytes after the header, and malformed or oversized input is refused with a
// ProtocolError naming what is wrong.
#include <cppunit/extensions/HelperMacros.h>

#include "core_test_support.h"
#include "protocol/codec.h"
#include "protocol/protocol_error.h"
#include "protocol/remote_message.h"

namespace relaysync::core::coretest {

namespace {

const std::string kTransfer = "0123456789abcdef0123456789abcdef";

RemoteMessage base(RemoteType type) {
    RemoteMessage m;
    m.type = type;
    m.from = "relay-server2@net";
    m.to = "relay-server3@net";
    m.transfer = kTransfer;
    m.asker = "client21@relay-server2.net";
    m.owner = "client31@relay-server3.net";
    m.share_id = "20071001150032client11@relay-server1.net";
    return m;
}

std::string decodeError(const std::string& payload) {
    return thrownMessage<ProtocolError>([&] { decodeRemote(payload); });
}

// A fetch-data payload with `header` for its JSON line and `content` after it.
std::string framed(const std::string& header, const std::string& content = {}) {
    return std::string(kRemoteLaneMagic) + header + "\n" + content;
}

std::string header(const std::string& type, const std::string& body) {
    return R"({"relaysync":)" + std::to_string(kProtocolVersion) + R"(,"type":")" + type +
           R"(","from":"relay-server2@net","to":"relay-server3@net","body":)" + body + "}";
}

const std::string kEnds = R"("transfer":"0123456789abcdef0123456789abcdef","asker":"client21@relay-server2.net","owner":"client31@relay-server3.net","share_id":"S")";

}  // namespace

class RemoteMessageTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RemoteMessageTest);
    CPPUNIT_TEST(everyTypeRoundTrips);
    CPPUNIT_TEST(contentIsRawBytesAfterTheHeader);
    CPPUNIT_TEST(theLaneIsToldApartByItsFirstLine);
    CPPUNIT_TEST(malformedFramingIsRefused);
    CPPUNIT_TEST(badFieldsAreRefused);
    CPPUNIT_TEST(oversizedInputIsRefused);
    CPPUNIT_TEST(unknownErrorCodeReadsAsInvalid);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyTypeRoundTrips() {
        auto browse = base(RemoteType::browse_request);
        browse.entry = "folderB";
        browse.path = "drawings/part1.dwg";
        browse.offset = 7;  // a later page
        auto decoded = decodeRemote(encodeRemote(browse));
        CPPUNIT_ASSERT(decoded.type == RemoteType::browse_request);
        CPPUNIT_ASSERT_EQUAL(browse.from, decoded.from);
        CPPUNIT_ASSERT_EQUAL(browse.to, decoded.to);
        CPPUNIT_ASSERT_EQUAL(browse.transfer, decoded.transfer);
        CPPUNIT_ASSERT_EQUAL(browse.asker, decoded.asker);
        CPPUNIT_ASSERT_EQUAL(browse.owner, decoded.owner);
        CPPUNIT_ASSERT_EQUAL(browse.share_id, decoded.share_id);
        CPPUNIT_ASSERT_EQUAL(browse.entry, decoded.entry);
        CPPUNIT_ASSERT_EQUAL(browse.path, decoded.path);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), decoded.offset);

        auto request = base(RemoteType::fetch_request);
        request.entry = "budget.xls";
        request.offset = 5ull << 30;
        request.length = 1 << 20;
        request.size = 7ll << 30;
        request.modified_ms = 1191200000000;
        decoded = decodeRemote(encodeRemote(request));
        CPPUNIT_ASSERT_EQUAL(request.offset, decoded.offset);
        CPPUNIT_ASSERT_EQUAL(request.length, decoded.length);
        CPPUNIT_ASSERT_EQUAL(request.size, decoded.size);
        CPPUNIT_ASSERT_EQUAL(request.modified_ms, decoded.modified_ms);

        auto result = base(RemoteType::browse_result);
        result.folder = true;
        result.size = 0;
        result.modified_ms = 42;
        result.items = {{"design.doc", false, 13, 1000}, {"drawings", true, 0, 2000}};
        result.more_items = 3;
        decoded = decodeRemote(encodeRemote(result));
        CPPUNIT_ASSERT(decoded.folder);
        CPPUNIT_ASSERT(decoded.items == result.items);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), decoded.more_items);

        auto error = base(RemoteType::remote_error);
        error.code = RemoteErrorCode::changed;
        error.reason = "'budget.xls' changed during the fetch";
        decoded = decodeRemote(encodeRemote(error));
        CPPUNIT_ASSERT(decoded.code == RemoteErrorCode::changed);
        CPPUNIT_ASSERT_EQUAL(error.reason, decoded.reason);
    }

    void contentIsRawBytesAfterTheHeader() {
        auto data = base(RemoteType::fetch_data);
        data.offset = 1 << 20;
        data.size = 3 << 20;
        data.modified_ms = 7;
        data.last = true;
        data.hash = "sha256:00ff";
        data.data = std::string("line\nNUL\0{\"relaysync\":5}\n\xff", 26);
        const auto bytes = encodeRemote(data);
        // The content is not escaped: the payload is the header line plus exactly these bytes.
        CPPUNIT_ASSERT(bytes.size() > data.data.size());
        CPPUNIT_ASSERT_EQUAL(data.data, bytes.substr(bytes.size() - data.data.size()));
        const auto decoded = decodeRemote(bytes);
        CPPUNIT_ASSERT_EQUAL(data.data, decoded.data);
        CPPUNIT_ASSERT(decoded.last);
        CPPUNIT_ASSERT_EQUAL(data.hash, decoded.hash);
        CPPUNIT_ASSERT_EQUAL(data.offset, decoded.offset);
        // An empty chunk (an empty file) is a chunk too.
        data.data.clear();
        CPPUNIT_ASSERT(decodeRemote(encodeRemote(data)).data.empty());
    }

    void theLaneIsToldApartByItsFirstLine() {
        CPPUNIT_ASSERT(isRemotePayload(encodeRemote(base(RemoteType::browse_request))));
        Message answer;
        answer.id = "relay-server1@net#1";
        answer.from = "relay-server1@net";
        answer.to = "relay-server2@net";
        CPPUNIT_ASSERT(!isRemotePayload(encode(answer)));
        CPPUNIT_ASSERT(!isRemotePayload("relaysync-remot"));
        CPPUNIT_ASSERT(!isRemotePayload(""));
        // And the engine's codec does not take a remote-access payload for one of its own.
        thrownMessage<ProtocolError>([] { decode(encodeRemote(base(RemoteType::browse_request))); });
    }

    void malformedFramingIsRefused() {
        RS_ASSERT_CONTAINS(decodeError("{}"), "no 'relaysync-remote' line");
        RS_ASSERT_CONTAINS(decodeError(std::string(kRemoteLaneMagic) + "{}"), "not a line");
        RS_ASSERT_CONTAINS(decodeError(framed("{")), "not valid JSON");
        RS_ASSERT_CONTAINS(decodeError(framed("[1]")), "not a JSON object");
        RS_ASSERT_CONTAINS(decodeError(framed(R"({"relaysync":4,"type":"fetch-data"})")), "protocol version 4");
        RS_ASSERT_CONTAINS(decodeError(framed(header("fetch-everything", "{" + kEnds + "}"))), "unknown type");
        // Content after any header but fetch-data's.
        RS_ASSERT_CONTAINS(decodeError(framed(header("browse-request", "{" + kEnds + R"(,"entry":"e","path":"","offset":0})"), "x")),
                           "only fetch-data has content");
    }

    void badFieldsAreRefused() {
        const auto request = [](const std::string& extra) {
            return framed(header("fetch-request", "{" + kEnds + R"(,"entry":"e","path":"")" + extra + "}"));
        };
        RS_ASSERT_CONTAINS(decodeError(request(R"(,"offset":0,"length":1,"size":-1)")), "body.modified_ms");
        RS_ASSERT_CONTAINS(decodeError(request(R"(,"offset":-1,"length":1,"size":-1,"modified_ms":0)")), "body.offset");
        RS_ASSERT_CONTAINS(decodeError(request(R"(,"offset":0,"length":99999999,"size":-1,"modified_ms":0)")),
                           "body.length");
        RS_ASSERT_CONTAINS(decodeError(request(R"(,"offset":0,"length":1,"size":-2,"modified_ms":0)")), "body.size");
        auto bad_transfer = kEnds;
        bad_transfer.replace(bad_transfer.find("0123"), 4, "XYZ!");
        RS_ASSERT_CONTAINS(decodeError(framed(header("browse-request", "{" + bad_transfer + R"(,"entry":"e","path":""})"))),
                           "body.transfer");
        auto bad_asker = kEnds;
        bad_asker.replace(bad_asker.find("client21@relay-server2.net"), 26, "client 21");
        RS_ASSERT_CONTAINS(decodeError(framed(header("browse-request", "{" + bad_asker + R"(,"entry":"e","path":""})"))),
                           "body.asker");
        RS_ASSERT_CONTAINS(decodeError(framed(header("browse-request", "{" + kEnds + R"(,"entry":"a\u0001b","path":""})"))),
                           "body.entry");
        RS_ASSERT_CONTAINS(
            decodeError(framed(header("browse-result", "{" + kEnds +
                                                           R"(,"kind":"folder","size":0,"modified_ms":0,"more_items":0,"items":[{"name":"../x","kind":"file","size":1,"modified_ms":0}]})"))),
            "one path component");
    }

    void oversizedInputIsRefused() {
        auto data = base(RemoteType::fetch_data);
        data.data.assign(kMaxRemoteChunkBytes + 1, 'x');
        thrownMessage<ProtocolError>([&] { encodeRemote(data); });
        data.data.clear();
        data.size = 0;
        const auto bytes = encodeRemote(data) + std::string(kMaxRemoteChunkBytes + 1, 'x');
        RS_ASSERT_CONTAINS(decodeError(bytes), "more than the chunk limit");
        const auto huge_header = std::string(kRemoteLaneMagic) + std::string(kMaxRemoteHeaderBytes + 1, ' ') + "\n";
        RS_ASSERT_CONTAINS(decodeError(huge_header), "not a line of at most");
    }

    void unknownErrorCodeReadsAsInvalid() {
        const auto decoded = decodeRemote(framed(header("remote-error", "{" + kEnds + R"(,"code":"tea-time","reason":"later"})")));
        CPPUNIT_ASSERT(decoded.code == RemoteErrorCode::invalid);
        CPPUNIT_ASSERT_EQUAL(std::string("later"), decoded.reason);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RemoteMessageTest);

}  // namespace relaysync::core::coretest
