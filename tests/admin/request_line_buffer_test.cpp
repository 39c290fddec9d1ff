// How the admin server cuts what a connection sends into request lines, and applies the line
// limit as the bytes arrive.
#include <cppunit/extensions/HelperMacros.h>

#include "admin/admin_limits.h"
#include "admin/request_line_buffer.h"

namespace relaysync::test {

using Next = core::RequestLineBuffer::Next;

class RequestLineBufferTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RequestLineBufferTest);
    CPPUNIT_TEST(linesComeOutInOrderAsTheyComplete);
    CPPUNIT_TEST(theLimitCountsTheLineWithoutItsNewline);
    CPPUNIT_TEST(aLineOverTheLimitIsSeenBeforeItsNewline);
    CPPUNIT_TEST(durationsReadAsSeconds);
    CPPUNIT_TEST_SUITE_END();

public:
    void linesComeOutInOrderAsTheyComplete() {
        core::RequestLineBuffer buffer(100);
        std::string line;
        buffer.append("{\"a\"");
        CPPUNIT_ASSERT(buffer.next(line) == Next::incomplete);
        buffer.append(":1}\n{\"b\":2}\n{\"c\"");
        CPPUNIT_ASSERT(buffer.next(line) == Next::line);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), line);
        CPPUNIT_ASSERT(buffer.next(line) == Next::line);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"b\":2}"), line);
        CPPUNIT_ASSERT(buffer.next(line) == Next::incomplete);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), buffer.pendingBytes());
        buffer.append("}\n");
        CPPUNIT_ASSERT(buffer.next(line) == Next::line);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"c\"}"), line);
    }

    void theLimitCountsTheLineWithoutItsNewline() {
        core::RequestLineBuffer buffer(4);
        std::string line;
        buffer.append("abcd");
        CPPUNIT_ASSERT(buffer.next(line) == Next::incomplete);
        buffer.append("\n");
        CPPUNIT_ASSERT(buffer.next(line) == Next::line);
        CPPUNIT_ASSERT_EQUAL(std::string("abcd"), line);
        buffer.append("abcde\n");
        CPPUNIT_ASSERT(buffer.next(line) == Next::too_long);
    }

    void aLineOverTheLimitIsSeenBeforeItsNewline() {
        core::RequestLineBuffer buffer(4);
        std::string line;
        buffer.append("ab");
        CPPUNIT_ASSERT(buffer.next(line) == Next::incomplete);
        buffer.append("cde");
        CPPUNIT_ASSERT(buffer.next(line) == Next::too_long);
    }

    void durationsReadAsSeconds() {
        using std::chrono::milliseconds;
        CPPUNIT_ASSERT_EQUAL(std::string("10 s"), core::describeSeconds(milliseconds(10'000)));
        CPPUNIT_ASSERT_EQUAL(std::string("1 s"), core::describeSeconds(milliseconds(1'000)));
        CPPUNIT_ASSERT_EQUAL(std::string("1 s"), core::describeSeconds(milliseconds(998)));
        CPPUNIT_ASSERT_EQUAL(std::string("2.5 s"), core::describeSeconds(milliseconds(2'500)));
        CPPUNIT_ASSERT_EQUAL(std::string("0.3 s"), core::describeSeconds(milliseconds(250)));
        CPPUNIT_ASSERT_EQUAL(std::string("40 ms"), core::describeSeconds(milliseconds(40)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestLineBufferTest);

}  // namespace relaysync::test
