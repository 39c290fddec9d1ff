// The inbound parsing path on its own: stream framing, libosip2 parsing into SipMessage, and the
// digest computation against the RFCs' examples. Malformed input must be refused, never crash.

#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "digest.h"
#include "sip_message.h"
#include "stream_framer.h"

namespace relaysync::tests {

using transport_sip::Frame;
using transport_sip::StreamFramer;

namespace {

const std::string kHead =
    "MESSAGE sip:relay-server2@127.0.0.1:5000;transport=tcp SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKproxy\r\n"
    "Via: SIP/2.0/TCP 127.0.0.1:40000;rport=40000;branch=z9hG4bKsender\r\n"
    "From: <sip:relay-server1@net>;tag=abc\r\n"
    "To: <sip:relay-server2@net>\r\n"
    "Call-ID: 1234@relaysync\r\n"
    "CSeq: 2 MESSAGE\r\n"
    "Content-Type: application/vnd.relaysync+json\r\n"
    "l: 7\r\n\r\n";
const std::string kBody("{\"a\":\0}", 7);  // payloads are bytes: a NUL must pass

StreamFramer framer() { return StreamFramer(16 * 1024, 1024); }

}  // namespace

class SipParserTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SipParserTest);
    CPPUNIT_TEST(testFramesAMessageFedInPieces);
    CPPUNIT_TEST(testCrlfIsAPong);
    CPPUNIT_TEST(testRefusesUnframeableStreams);
    CPPUNIT_TEST(testReadsPastABodyOverTheLimit);
    CPPUNIT_TEST(testParsesAMessage);
    CPPUNIT_TEST(testRefusesAHeadOfTooManyLines);
    CPPUNIT_TEST(testRefusesMalformedMessages);
    CPPUNIT_TEST(testPrefersSha256Challenge);
    CPPUNIT_TEST(testResponseEchoesTheRequest);
    CPPUNIT_TEST(testDigestMatchesTheRfcExamples);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFramesAMessageFedInPieces() {
        auto f = framer();
        const std::string bytes = kHead + kBody;
        for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
            f.feed(&bytes[i], 1);
            CPPUNIT_ASSERT(!f.next());
        }
        f.feed(&bytes.back(), 1);
        const auto frame = f.next();
        CPPUNIT_ASSERT(frame && frame->kind == Frame::Kind::message);
        CPPUNIT_ASSERT_EQUAL(kHead, frame->head);
        CPPUNIT_ASSERT(kBody == frame->body);
        CPPUNIT_ASSERT(f.error().empty());
    }

    void testCrlfIsAPong() {
        auto f = framer();
        f.feed("\r\n", 2);
        const auto frame = f.next();
        CPPUNIT_ASSERT(frame && frame->kind == Frame::Kind::pong);
        CPPUNIT_ASSERT(!f.next());
    }

    // Over the body limit but within what may be skipped: the head alone, marked too_large (to be
    // answered 413), its body dropped as it comes, and the next message framed as usual.
    void testReadsPastABodyOverTheLimit() {
        StreamFramer f(16 * 1024, 1024, 64 * 1024);
        const std::string big = "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5000\r\n\r\n";
        f.feed(big.data(), big.size());
        const auto frame = f.next();
        CPPUNIT_ASSERT(frame && frame->kind == Frame::Kind::too_large);
        CPPUNIT_ASSERT_EQUAL(big, frame->head);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5000), frame->body_size);
        const std::string body(5000, 'x');
        for (std::size_t at = 0; at < body.size(); at += 700) {
            f.feed(body.data() + at, std::min<std::size_t>(700, body.size() - at));
            CPPUNIT_ASSERT(!f.next());
        }
        const std::string after = kHead + kBody;
        f.feed(after.data(), after.size());
        const auto next = f.next();
        CPPUNIT_ASSERT(next && next->kind == Frame::Kind::message);
        CPPUNIT_ASSERT(kBody == next->body);
        CPPUNIT_ASSERT(f.error().empty());
        StreamFramer strict(16 * 1024, 1024, 64 * 1024);
        const std::string huge = "X\r\nContent-Length: 70000\r\n\r\n";
        strict.feed(huge.data(), huge.size());
        CPPUNIT_ASSERT(!strict.next());
        CPPUNIT_ASSERT(!strict.error().empty());
    }

    void testRefusesUnframeableStreams() {
        const auto refused = [](StreamFramer f, const std::string& bytes) {
            f.feed(bytes.data(), bytes.size());
            while (f.next()) {}
            return f.error();
        };
        CPPUNIT_ASSERT(!refused(framer(), "MESSAGE sip:a@b SIP/2.0\r\nVia: x\r\n\r\n").empty());  // no Content-Length
        CPPUNIT_ASSERT(!refused(framer(), "X\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx").empty());
        CPPUNIT_ASSERT(!refused(framer(), "X\r\nContent-Length: -1\r\n\r\n").empty());
        CPPUNIT_ASSERT(!refused(framer(), "X\r\nContent-Length: 1025\r\n\r\n").empty());  // over the body limit
        CPPUNIT_ASSERT(!refused(framer(), "X\r\nContent-Length: 99999999999999999999999\r\n\r\n").empty());
        CPPUNIT_ASSERT(!refused(framer(), std::string(17 * 1024, 'A')).empty());  // head over the limit
        CPPUNIT_ASSERT(refused(framer(), "X\r\nContent-Length: 0\r\n\r\n").empty());
        // A header whose name only starts with Content-Length is another header.
        CPPUNIT_ASSERT(refused(framer(), "X\r\nContent-Length-Hint: 7\r\nContent-Length: 0\r\n\r\n").empty());
        CPPUNIT_ASSERT(refused(framer(), "X\r\nLength: 7\r\nl: 0\r\n\r\n").empty());
    }

    void testRefusesAHeadOfTooManyLines() {
        std::string head = kHead;
        std::string many;
        for (int i = 0; i < 300; ++i) many += "X: " + std::to_string(i) + "\r\n";
        head.insert(head.find("Content-Type"), many);
        const auto parsed = parseSip(Frame{Frame::Kind::message, head, kBody, kBody.size()});
        CPPUNIT_ASSERT(!parsed.message);
        CPPUNIT_ASSERT_MESSAGE(parsed.error, parsed.error.find("header lines") != std::string::npos);
    }

    void testParsesAMessage() {
        const auto result = transport_sip::parseSip({Frame::Kind::message, kHead, kBody});
        CPPUNIT_ASSERT_MESSAGE(result.error, result.message.has_value());
        const auto& m = *result.message;
        CPPUNIT_ASSERT(m.is_request);
        CPPUNIT_ASSERT_EQUAL(std::string("MESSAGE"), m.method);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net"), m.from_account);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server2@net"), m.to_account);
        CPPUNIT_ASSERT_EQUAL(std::string("application/vnd.relaysync+json"), m.content_type);
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(2), m.cseq);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), m.vias.size());
        CPPUNIT_ASSERT_EQUAL(std::string("z9hG4bKproxy"), m.top_branch);
        CPPUNIT_ASSERT(kBody == m.body);
    }

    void testRefusesMalformedMessages() {
        const std::string& head = kHead;
        // The body is kBody: osip checks it against Content-Length.
        const auto parse = [](const std::string& text) { return transport_sip::parseSip({Frame::Kind::message, text, kBody}); };
        const auto without = [&](const std::string& header) {
            const auto start = head.find(header);
            return head.substr(0, start) + head.substr(head.find("\r\n", start) + 2);
        };
        CPPUNIT_ASSERT(!parse("garbage\r\n\r\n").message);
        CPPUNIT_ASSERT(!parse(std::string("\0\1\2\r\n\r\n", 7)).message);
        CPPUNIT_ASSERT(!parse(without("Call-ID:")).message);
        CPPUNIT_ASSERT(!parse(without("From:")).message);
        CPPUNIT_ASSERT(parse(without("Via: SIP/2.0/TCP 127.0.0.1:5060")).message.has_value());  // one Via is enough
        std::string wrong_cseq = head;
        wrong_cseq.replace(wrong_cseq.find("2 MESSAGE"), 9, "2 INVITE");
        CPPUNIT_ASSERT(!parse(wrong_cseq).message);
        std::string huge_cseq = head;
        huge_cseq.replace(huge_cseq.find("2 MESSAGE"), 9, "99999999999 MESSAGE");
        CPPUNIT_ASSERT(!parse(huge_cseq).message);
        CPPUNIT_ASSERT(!parse("SIP/2.0 999 Odd\r\nVia: SIP/2.0/TCP a;branch=b\r\nFrom: <sip:a@b>\r\nTo: <sip:a@b>\r\n"
                              "Call-ID: x\r\nCSeq: 1 MESSAGE\r\n\r\n").message);
    }

    void testPrefersSha256Challenge() {
        const std::string response =
            "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKr\r\nFrom: <sip:a@net>;tag=1\r\n"
            "To: <sip:a@net>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n"
            "WWW-Authenticate: Digest realm=\"net\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"\r\n"
            "WWW-Authenticate: Digest realm=\"net\", nonce=\"n2\", algorithm=SHA-256, qop=\"auth,auth-int\"\r\n"
            "Content-Length: 0\r\n\r\n";
        const auto result = transport_sip::parseSip({Frame::Kind::message, response, ""});
        CPPUNIT_ASSERT_MESSAGE(result.error, result.message && result.message->challenge);
        CPPUNIT_ASSERT_EQUAL(std::string("SHA-256"), result.message->challenge->algorithm);
        CPPUNIT_ASSERT_EQUAL(std::string("n2"), result.message->challenge->nonce);
        CPPUNIT_ASSERT(result.message->challenge->qop_auth);
        CPPUNIT_ASSERT(!result.message->challenge->proxy);
    }

    void testResponseEchoesTheRequest() {
        const auto request = transport_sip::parseSip({Frame::Kind::message, kHead, kBody});
        CPPUNIT_ASSERT_MESSAGE(request.error, request.message.has_value());
        const std::string text = transport_sip::formatResponse(*request.message, 200, "OK", "t1");
        auto f = framer();
        f.feed(text.data(), text.size());
        const auto response = transport_sip::parseSip(*f.next());
        CPPUNIT_ASSERT_MESSAGE(response.error, response.message.has_value());
        CPPUNIT_ASSERT_EQUAL(200, response.message->status);
        CPPUNIT_ASSERT_EQUAL(std::string("z9hG4bKproxy"), response.message->top_branch);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), response.message->vias.size());
        CPPUNIT_ASSERT_EQUAL(std::string("t1"), response.message->to_tag);
        CPPUNIT_ASSERT_EQUAL(std::string("MESSAGE"), response.message->method);
    }

    void testDigestMatchesTheRfcExamples() {
        // RFC 2617 §3.5 (MD5, qop=auth).
        transport_sip::Challenge md5{false, "testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "", "MD5", true, false};
        const std::string a = transport_sip::digestAuthorization(md5, {"Mufasa", "Circle Of Life"}, "GET", "/dir/index.html", 1, "0a4f113b");
        CPPUNIT_ASSERT_MESSAGE(a, a.find("response=\"6629fae49393a05397450978507c4ef1\"") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(a, a.find("nc=00000001") != std::string::npos);
        // RFC 7616 §3.9.1 (SHA-256, qop=auth).
        transport_sip::Challenge sha{false, "http-auth@example.org", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "", "SHA-256", true, false};
        const std::string b = transport_sip::digestAuthorization(sha, {"Mufasa", "Circle of Life"}, "GET", "/dir/index.html", 1,
                                                                 "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        CPPUNIT_ASSERT_MESSAGE(b, b.find("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipParserTest);

}  // namespace relaysync::tests
