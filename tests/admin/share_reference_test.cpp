// Naming a share on the command line: id, unique name, or unique start of the id.
#include <cppunit/extensions/HelperMacros.h>

#include "admin/share_reference.h"
#include "engine/engine_base.h"

namespace relaysync::core::test {

class ShareReferenceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ShareReferenceTest);
    CPPUNIT_TEST(fullIdNameAndIdStartResolve);
    CPPUNIT_TEST(aNameHeldTwiceIsAmbiguous);
    CPPUNIT_TEST(anIdStartOfSeveralIsAmbiguous);
    CPPUNIT_TEST(unknownShareSaysSo);
    CPPUNIT_TEST(deletedSharesAnswerOnlyToTheirId);
    CPPUNIT_TEST_SUITE_END();

public:
    void fullIdNameAndIdStartResolve() {
        const auto shares = sample();
        CPPUNIT_ASSERT_EQUAL(std::string("20261130090000client11@r1.net"),
                             resolveShareReference(shares, "20261130090000client11@r1.net"));
        CPPUNIT_ASSERT_EQUAL(std::string("20261130090000client11@r1.net"), resolveShareReference(shares, "reports"));
        CPPUNIT_ASSERT_EQUAL(std::string("20261129120000client21@r2.net"), resolveShareReference(shares, "202611291"));
    }

    void aNameHeldTwiceIsAmbiguous() {
        auto shares = sample();
        shares.push_back(share("20261130100000client12@r1.net", "reports"));
        const auto problem = errorOf(shares, "reports");
        CPPUNIT_ASSERT_MESSAGE(problem, problem.find("is shared by 2 shares") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(problem, problem.find("20261130100000client12@r1.net") != std::string::npos);
    }

    void anIdStartOfSeveralIsAmbiguous() {
        const auto problem = errorOf(sample(), "2026");
        CPPUNIT_ASSERT_MESSAGE(problem, problem.find("starts 2 share ids") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE("three characters are no id start", errorOf(sample(), "202").find("unknown share") == 0);
    }

    void unknownShareSaysSo() {
        CPPUNIT_ASSERT_EQUAL(std::string("unknown share 'budget': this node holds no share with that name or id"),
                             errorOf(sample(), "budget"));
        CPPUNIT_ASSERT_EQUAL(std::string("no share given"), errorOf(sample(), ""));
    }

    void deletedSharesAnswerOnlyToTheirId() {
        auto shares = sample();
        shares.push_back(share("20250101000000client11@r1.net", "old", true));
        CPPUNIT_ASSERT(errorOf(shares, "old").find("unknown share") == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("20250101000000client11@r1.net"),
                             resolveShareReference(shares, "20250101000000client11@r1.net"));
    }

private:
    static Share share(const std::string& id, const std::string& name, bool removed = false) {
        Share made;
        made.id = id;
        made.name = name;
        made.removed = removed;
        return made;
    }

    static std::vector<Share> sample() {
        return {share("20261130090000client11@r1.net", "reports"), share("20261129120000client21@r2.net", "plans")};
    }

    static std::string errorOf(const std::vector<Share>& shares, const std::string& given) {
        try {
            resolveShareReference(shares, given);
        } catch (const CommandError& e) {
            return e.what();
        }
        return "(resolved)";
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ShareReferenceTest);

}  // namespace relaysync::core::test
