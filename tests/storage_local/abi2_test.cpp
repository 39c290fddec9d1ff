// What ABI 2 adds to the local store: capabilities, listings with details, identities, the root
// probe and its marker, and deadlines.

#include <algorithm>
#include <chrono>

#include "store_fixture.h"

namespace relaysync::tests {

namespace fs = std::filesystem;

class Abi2Test : public StoreFixture {
    CPPUNIT_TEST_SUITE(Abi2Test);
    CPPUNIT_TEST(testDeclaresWhatItDoes);
    CPPUNIT_TEST(testListingCarriesTheDetailsStatGives);
    CPPUNIT_TEST(testIdentityTellsFilesApartAndSeesRewrites);
    CPPUNIT_TEST(testProbeIdentityChangesWhenTheRootIsReplaced);
    CPPUNIT_TEST(testMissingMarkerMakesTheStoreUnreachable);
    CPPUNIT_TEST(testMarkerMustBeOneFileName);
    CPPUNIT_TEST(testExpiredDeadlineIsUnreachableForEveryCall);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        StoreFixture::setUp();
        tree->writeFile("root/a.txt", "aaaa");
        tree->writeFile("root/sub/b.txt", "bb");
    }

    void testDeclaresWhatItDoes() {
        const auto caps = store->capabilities();
        CPPUNIT_ASSERT(caps & sdk::StoreCapability::list_details);
        CPPUNIT_ASSERT(caps & sdk::StoreCapability::root_identity);
        CPPUNIT_ASSERT(caps & sdk::StoreCapability::entity_identity);
        CPPUNIT_ASSERT(caps & sdk::StoreCapability::content);
    }

    void testListingCarriesTheDetailsStatGives() {
        tree->symlink("root/link.txt", "a.txt");
        sdk::FolderListing items;
        ASSERT_STATUS(sdk::StatusCode::ok, store->list(sdk::CallContext::unbounded(), "", items));
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, items.size());
        for (const auto& item : items) {
            sdk::EntityDetails stat;
            ASSERT_STATUS(sdk::StatusCode::ok, statOf(item.name, &stat));
            CPPUNIT_ASSERT_MESSAGE(item.name, item.details == stat);
            CPPUNIT_ASSERT_MESSAGE(item.name, item.details.identity == stat.identity);
        }
        const auto link = std::find_if(items.begin(), items.end(), [](const auto& i) { return i.name == "link.txt"; });
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{4}, link->details.size);  // what it points to
    }

    void testIdentityTellsFilesApartAndSeesRewrites() {
        sdk::EntityDetails a, b, again;
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("a.txt", &a));
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("sub/b.txt", &b));
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("a.txt", &again));
        CPPUNIT_ASSERT(a.identity.known());
        CPPUNIT_ASSERT(a.identity == again.identity);
        CPPUNIT_ASSERT(a.identity.file_id != b.identity.file_id);
        // Same size, time set back: only the change time tells.
        const auto time = fs::last_write_time(rootPath() / "a.txt");
        tree->writeFile("root/a.txt", "zzzz");
        fs::last_write_time(rootPath() / "a.txt", time);
        sdk::EntityDetails rewritten;
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("a.txt", &rewritten));
        CPPUNIT_ASSERT(rewritten == a);  // what is recorded cannot see it
        CPPUNIT_ASSERT(rewritten.identity.changed_ns >= a.identity.changed_ns);
    }

    void testProbeIdentityChangesWhenTheRootIsReplaced() {
        sdk::RootProbe first, second;
        ASSERT_STATUS(sdk::StatusCode::ok, store->probe(sdk::CallContext::unbounded(), first));
        CPPUNIT_ASSERT(!first.identity.empty());
        ASSERT_STATUS(sdk::StatusCode::ok, store->probe(sdk::CallContext::unbounded(), second));
        CPPUNIT_ASSERT_EQUAL(first.identity, second.identity);
        fs::rename(rootPath(), tree->base() / "root.old");
        sdk::RootProbe gone;
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->probe(sdk::CallContext::unbounded(), gone));
        tree->makeFolder("root");
        sdk::RootProbe replaced;
        ASSERT_STATUS(sdk::StatusCode::ok, store->probe(sdk::CallContext::unbounded(), replaced));
        CPPUNIT_ASSERT(replaced.identity != first.identity);
    }

    void testMissingMarkerMakesTheStoreUnreachable() {
        std::string error;
        auto marked = plugin->create({{"root", rootPath().string()}, {"marker", ".relaysync-root"}}, &error);
        CPPUNIT_ASSERT_MESSAGE(error, marked != nullptr);
        sdk::EntityDetails details;
        const auto call = sdk::CallContext::unbounded();
        // An unmounted drive: the mount point is there, empty. Nothing in it is "gone".
        const auto status = marked->stat(call, "a.txt", details);
        ASSERT_STATUS(sdk::StatusCode::unreachable, status);
        CPPUNIT_ASSERT(status.message().find(".relaysync-root") != std::string::npos);
        sdk::RootProbe probe;
        ASSERT_STATUS(sdk::StatusCode::unreachable, marked->probe(call, probe));
        tree->writeFile("root/.relaysync-root", "");
        ASSERT_STATUS(sdk::StatusCode::ok, marked->stat(call, "a.txt", details));
        ASSERT_STATUS(sdk::StatusCode::not_found, marked->stat(call, "missing.txt", details));
    }

    void testMarkerMustBeOneFileName() {
        for (const char* bad : {"a/b", "..", "."}) {
            std::string error;
            auto refused = plugin->create({{"root", rootPath().string()}, {"marker", bad}}, &error);
            CPPUNIT_ASSERT_MESSAGE(bad, refused == nullptr);
            CPPUNIT_ASSERT_MESSAGE(error, error.find("marker") != std::string::npos);
        }
    }

    void testExpiredDeadlineIsUnreachableForEveryCall() {
        const sdk::CallContext past{sdk::Clock::now() - std::chrono::seconds(1)};
        sdk::EntityDetails details;
        sdk::FolderListing items;
        std::vector<char> bytes;
        sdk::RootProbe probe;
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->stat(past, "a.txt", details));
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->list(past, "", items));
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->read(past, "a.txt", 0, 4, bytes));
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->probe(past, probe));
        CPPUNIT_ASSERT(store->stat(past, "a.txt", details).message().find("timed out") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Abi2Test);

}  // namespace relaysync::tests
