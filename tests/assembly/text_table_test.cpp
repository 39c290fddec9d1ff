#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

#include "assembly/text_table.h"

namespace relaysync::core {
namespace {

class TextTableTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TextTableTest);
    CPPUNIT_TEST(columnsAreAsWideAsTheirWidestCell);
    CPPUNIT_TEST(rightAlignedColumnsPadOnTheLeft);
    CPPUNIT_TEST(aMultiLineCellMakesATallerRow);
    CPPUNIT_TEST(indentStartsEveryLine);
    CPPUNIT_TEST(missingCellsAreEmptyExtraCellsAreRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void columnsAreAsWideAsTheirWidestCell() {
        TextTable table({{"A"}, {"LONG TITLE"}, {"C"}});
        table.addRow({"wide cell", "x", "y"});
        CPPUNIT_ASSERT_EQUAL(std::string("A          LONG TITLE  C\n"
                                         "---------  ----------  -\n"
                                         "wide cell  x           y\n"),
                             table.render());
    }

    void rightAlignedColumnsPadOnTheLeft() {
        TextTable table({{"NAME"}, {"SIZE", TextTable::Align::right}});
        table.addRow({"a", "7"});
        table.addRow({"b", "12345"});
        CPPUNIT_ASSERT_EQUAL(std::string("NAME   SIZE\n"
                                         "----  -----\n"
                                         "a         7\n"
                                         "b     12345\n"),
                             table.render());
    }

    void aMultiLineCellMakesATallerRow() {
        TextTable table({{"SHARE"}, {"MEMBERS"}, {"N"}});
        table.addRow({"ws1", "client11\nclient12", "1"});
        CPPUNIT_ASSERT_EQUAL(std::string("SHARE  MEMBERS   N\n"
                                         "-----  --------  -\n"
                                         "ws1    client11  1\n"
                                         "       client12\n"),
                             table.render());
    }

    void indentStartsEveryLine() {
        TextTable table({{"X"}});
        table.addRow({"1"});
        CPPUNIT_ASSERT_EQUAL(std::string("  X\n  -\n  1\n"), table.render("  "));
    }

    void missingCellsAreEmptyExtraCellsAreRefused() {
        TextTable table({{"A"}, {"B"}});
        table.addRow({"only"});
        CPPUNIT_ASSERT_EQUAL(std::string("A     B\n----  -\nonly\n"), table.render());
        CPPUNIT_ASSERT_THROW(table.addRow({"1", "2", "3"}), std::invalid_argument);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, table.rowCount());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TextTableTest);

}  // namespace
}  // namespace relaysync::core
