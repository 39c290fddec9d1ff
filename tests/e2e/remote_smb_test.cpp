// Remote access to a file on a file server (issue 13): client11's file00ZX.xls is
// network/z:/folderZ/budget.xls on Tokyo's private smbd, read through the smb store. client21
// (Osaka) fetches it through R2 and R1 byte for byte, as from a local disk; a subfolder path out
// of the entry is refused the same way.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <random>
#include <sstream>

#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

class RemoteSmbTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RemoteSmbTest);
    CPPUNIT_TEST(fetchesAFileFromTheFileServer);
    CPPUNIT_TEST_SUITE_END();

public:
    void fetchesAFileFromTheFileServer() {
        E2eSite::Options options;
        options.samba = true;
        options.smb_timeout_ms = 5000;
        E2eSite site(options);
        site.formGroupsAndShare();
        // Several chunks, not a whole number of them.
        std::mt19937 random(5);
        std::string content(3 * 1024 * 1024 + 77, '\0');
        for (auto& byte : content) byte = static_cast<char>(random());
        const auto on_server = site.cluster().entityPath(C11, "network/z:/folderZ/budget.xls");
        std::ofstream(on_server, std::ios::binary | std::ios::trunc) << content;

        const auto dest = site.dir() / "budget-copy.xls";
        const auto fetched = site.cluster().adminCli(C21, {"fetch", "workspace1", "file00ZX.xls", dest.string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(fetched.err, 0, fetched.exit_code);
        std::ifstream in(dest, std::ios::binary);
        std::stringstream copy;
        copy << in.rdbuf();
        CPPUNIT_ASSERT(copy.str() == content);

        const auto escaping = site.cluster().adminCli(C21, {"browse", "workspace1", "file00ZX.xls", "../x"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(escaping.err, 11, escaping.exit_code);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RemoteSmbTest);

}  // namespace relaysync::e2e
