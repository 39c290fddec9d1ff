// ${VAR} expansion on its own: the rules every profile value follows.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>

#include "profile/env_expansion.h"
#include "profile_test_support.h"

namespace relaysync::core::test {

class EnvExpansionTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EnvExpansionTest);
    CPPUNIT_TEST(replacesEachVariable);
    CPPUNIT_TEST(doubledDollarIsOneDollar);
    CPPUNIT_TEST(insertedValuesAreNotExpandedAgain);
    CPPUNIT_TEST(unsetVariableIsNamed);
    CPPUNIT_TEST(malformedReferencesAreRejected);
    CPPUNIT_TEST(processEnvironmentReadsTheRealEnvironment);
    CPPUNIT_TEST_SUITE_END();

public:
    void replacesEachVariable() {
        const auto env = fakeEnvironment({{"A", "/srv"}, {"B_2", "x"}, {"EMPTY", ""}});
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/x/y"), expandEnvironment("${A}/${B_2}/y", env));
        CPPUNIT_ASSERT_EQUAL(std::string("ab"), expandEnvironment("a${EMPTY}b", env));
        CPPUNIT_ASSERT_EQUAL(std::string("plain text"), expandEnvironment("plain text", env));
    }

    void doubledDollarIsOneDollar() {
        const auto env = fakeEnvironment({{"A", "v"}});
        CPPUNIT_ASSERT_EQUAL(std::string("pa$word"), expandEnvironment("pa$$word", env));
        CPPUNIT_ASSERT_EQUAL(std::string("${A}"), expandEnvironment("$${A}", env));
        CPPUNIT_ASSERT_EQUAL(std::string("$v"), expandEnvironment("$$${A}", env));
    }

    void insertedValuesAreNotExpandedAgain() {
        const auto env = fakeEnvironment({{"A", "${B}$"}});
        CPPUNIT_ASSERT_EQUAL(std::string("${B}$"), expandEnvironment("${A}", env));
    }

    void unsetVariableIsNamed() {
        try {
            expandEnvironment("${RELAYSYNC_DATA}/x", fakeEnvironment({}));
            CPPUNIT_FAIL("expected an ExpansionError");
        } catch (const ExpansionError& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("environment variable 'RELAYSYNC_DATA' is not set"),
                                 std::string(e.what()));
        }
    }

    void malformedReferencesAreRejected() {
        const auto env = fakeEnvironment({{"HOME", "/root"}});
        CPPUNIT_ASSERT_THROW(expandEnvironment("$HOME/x", env), ExpansionError);
        CPPUNIT_ASSERT_THROW(expandEnvironment("cost: 5$", env), ExpansionError);
        CPPUNIT_ASSERT_THROW(expandEnvironment("${HOME", env), ExpansionError);
        CPPUNIT_ASSERT_THROW(expandEnvironment("${}", env), ExpansionError);
        CPPUNIT_ASSERT_THROW(expandEnvironment("${1X}", env), ExpansionError);
        CPPUNIT_ASSERT_THROW(expandEnvironment("${A-B}", env), ExpansionError);
    }

    void processEnvironmentReadsTheRealEnvironment() {
        ::setenv("RELAYSYNC_PROFILE_TEST_VAR", "42", 1);
        ::unsetenv("RELAYSYNC_PROFILE_TEST_UNSET");
        const auto env = processEnvironment();
        CPPUNIT_ASSERT_EQUAL(std::string("n42"),
                             expandEnvironment("n${RELAYSYNC_PROFILE_TEST_VAR}", env));
        CPPUNIT_ASSERT(!env("RELAYSYNC_PROFILE_TEST_UNSET").has_value());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EnvExpansionTest);

}  // namespace relaysync::core::test
