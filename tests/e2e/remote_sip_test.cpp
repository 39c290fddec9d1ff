// Remote access over the SIP transport (issue 13): the relays talk only through Kamailio, whose
// MESSAGE bodies are far smaller than the direct transport's frames, so a fetch travels in many
// small chunks. client21 fetches client31's file through R2 and R3 byte for byte, and a path out
// of the entry is refused as over direct.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <Poco/JSON/Parser.h>

#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

class RemoteSipTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RemoteSipTest);
    CPPUNIT_TEST(fetchesAFileThroughKamailio);
    CPPUNIT_TEST_SUITE_END();

public:
    void fetchesAFileThroughKamailio() {
        E2eSite::Options options;
        options.transport = cluster::TransportChoice::sip;
        E2eSite site(options);
        site.formGroupsAndShare();
        // Several of SIP's chunks, not a whole number of them.
        std::mt19937 random(7);
        std::string content(1024 * 1024 + 333, '\0');
        for (auto& byte : content) byte = static_cast<char>(random());
        site.writeEntity(C31, "c:/docs/file100.pdf", content);

        const auto dest = site.dir() / "file100-copy.pdf";
        const auto fetched = site.cluster().adminCli(C21, {"fetch", "workspace1", "file100.pdf", dest.string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(fetched.err, 0, fetched.exit_code);
        std::ifstream in(dest, std::ios::binary);
        std::stringstream copy;
        copy << in.rdbuf();
        CPPUNIT_ASSERT(copy.str() == content);

        const auto escaping = site.cluster().adminCli(C21, {"browse", "workspace1", "file100.pdf", "../x"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(escaping.err, 11, escaping.exit_code);

        // A folder far larger than one MESSAGE's answer comes whole, in pages.
        const auto many = site.cluster().entityPath(C31, "c:/folderE/many");
        std::filesystem::create_directories(many);
        constexpr int kFiles = 2000;
        for (int i = 0; i < kFiles; ++i)
            std::ofstream(many / ("a-rather-long-file-name-to-fill-the-pages-" + std::to_string(i) + ".txt")) << i;
        const auto listed = site.cluster().adminCli(C21, {"--json", "browse", "workspace1", "folderE", "many"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(listed.err, 0, listed.exit_code);
        const auto answer = Poco::JSON::Parser().parse(listed.out).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(kFiles), answer->getArray("items")->size());
        CPPUNIT_ASSERT_EQUAL(0, answer->getValue<int>("more_items"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RemoteSipTest);

}  // namespace relaysync::e2e
