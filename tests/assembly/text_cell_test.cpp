// Values from the network in a table cell: nothing in them can steer the terminal or break the
// row, and a long one is shortened without cutting a character or an escape in two.
#include <cppunit/extensions/HelperMacros.h>

#include "model/text_cell.h"

namespace relaysync::core {
namespace {

class TextCellTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TextCellTest);
    CPPUNIT_TEST(plainTextIsKept);
    CPPUNIT_TEST(controlCharactersAreEscaped);
    CPPUNIT_TEST(utf8IsKeptButNotC1ControlsOrBrokenSequences);
    CPPUNIT_TEST(longTextIsShortenedToTheLimit);
    CPPUNIT_TEST(shorteningNeverCutsACharacterOrAnEscape);
    CPPUNIT_TEST(namesAreBoundedUtf8WithoutControls);
    CPPUNIT_TEST_SUITE_END();

public:
    void plainTextIsKept() {
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net#12"), tableCell("relay-server1@net#12"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), tableCell(""));
        CPPUNIT_ASSERT_EQUAL(std::string("c:\\folderA"), tableCell("c:\\folderA"));
    }

    void controlCharactersAreEscaped() {
        CPPUNIT_ASSERT_EQUAL(std::string("a\\nb\\rc\\td"), tableCell("a\nb\rc\td"));
        CPPUNIT_ASSERT_EQUAL(std::string("\\x1b[31mred\\x1b[0m"), tableCell("\x1b[31mred\x1b[0m"));
        CPPUNIT_ASSERT_EQUAL(std::string("\\x00\\x7f"), tableCell(std::string("\0\x7f", 2)));
    }

    void utf8IsKeptButNotC1ControlsOrBrokenSequences() {
        CPPUNIT_ASSERT_EQUAL(std::string("\xE5\xA4\xA7\xE9\x98\xAA"), tableCell("\xE5\xA4\xA7\xE9\x98\xAA"));  // 大阪
        CPPUNIT_ASSERT_EQUAL(std::string("\\xc2\\x9b"), tableCell("\xC2\x9B"));          // C1 CSI
        CPPUNIT_ASSERT_EQUAL(std::string("\\xff\\xe5\\xa4"), tableCell("\xFF\xE5\xA4"));  // cut short
        CPPUNIT_ASSERT_EQUAL(std::string("\\xc0\\xaf"), tableCell("\xC0\xAF"));          // overlong '/'
    }

    void longTextIsShortenedToTheLimit() {
        CPPUNIT_ASSERT_EQUAL(std::string("0123456..."), tableCell("0123456789abc", 10));
        CPPUNIT_ASSERT_EQUAL(std::string("0123456789"), tableCell("0123456789", 10));
    }

    void shorteningNeverCutsACharacterOrAnEscape() {
        // "ab\n..." shown as "ab\\n...": the escape is two wide and does not fit in 6 - 3.
        CPPUNIT_ASSERT_EQUAL(std::string("ab..."), tableCell("ab\ncdefgh", 6));
        // Eight characters of three bytes each; four fit before the dots in 7.
        CPPUNIT_ASSERT_EQUAL(std::string("\xE5\xA4\xA7\xE5\xA4\xA7\xE5\xA4\xA7\xE5\xA4\xA7..."),
                             tableCell("\xE5\xA4\xA7\xE5\xA4\xA7\xE5\xA4\xA7\xE5\xA4\xA7\xE5\xA4\xA7\xE5\xA4\xA7\xE5\xA4\xA7\xE5\xA4\xA7", 7));
    }

    void namesAreBoundedUtf8WithoutControls() {
        CPPUNIT_ASSERT_EQUAL(std::string(), nameProblem("workspace1", 255));
        CPPUNIT_ASSERT_EQUAL(std::string(), nameProblem("Ösaka 大阪", 255));
        CPPUNIT_ASSERT_EQUAL(std::string("is empty"), nameProblem("", 255));
        CPPUNIT_ASSERT_EQUAL(std::string(), nameProblem("", 255, true));
        CPPUNIT_ASSERT_EQUAL(std::string("is longer than 4 bytes"), nameProblem("abcde", 4));
        CPPUNIT_ASSERT_EQUAL(std::string("contains a control character"), nameProblem("a\tb", 255));
        CPPUNIT_ASSERT_EQUAL(std::string("contains a control character"), nameProblem("a\x7f", 255));
        CPPUNIT_ASSERT_EQUAL(std::string("contains a control character"), nameProblem("a\xc2\x85", 255));  // NEL
        CPPUNIT_ASSERT_EQUAL(std::string("is not valid UTF-8"), nameProblem("a\xc3", 255));
        CPPUNIT_ASSERT_EQUAL(std::string("is not valid UTF-8"), nameProblem("\xed\xa0\x80", 255));  // a surrogate
        CPPUNIT_ASSERT_EQUAL(std::size_t{200}, logValue(std::string(1000, 'x')).size());
        CPPUNIT_ASSERT_EQUAL(std::string("a\\nb"), logValue("a\nb"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TextCellTest);

}  // namespace
}  // namespace relaysync::core
