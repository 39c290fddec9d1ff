// Finding the store that serves a location, and refusing every location that could escape it.
#include <cppunit/extensions/HelperMacros.h>

#include "core_test_support.h"
#include "engine/store_router.h"
#include "memory_store.h"

namespace relaysync::core::coretest {

using relaysync::test::MemoryStore;

class StoreRouterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StoreRouterTest);
    CPPUNIT_TEST(routesToThePrefixStoreWithTheRestAsPath);
    CPPUNIT_TEST(longestPrefixWins);
    CPPUNIT_TEST(prefixMatchesOnlyAtAComponentBoundary);
    CPPUNIT_TEST(locationEqualToThePrefixIsTheStoreRoot);
    CPPUNIT_TEST(unknownPrefixIsUnreachableNotNotFound);
    CPPUNIT_TEST(dotDotComponentsAreRefused);
    CPPUNIT_TEST(absolutePathAfterThePrefixIsRefused);
    CPPUNIT_TEST(backslashIsRefused);
    CPPUNIT_TEST(nulByteIsRefused);
    CPPUNIT_TEST(emptyAndDotComponentsAreRefused);
    CPPUNIT_TEST(trailingSlashAfterThePrefixIsRefused);
    CPPUNIT_TEST(namesThatOnlyLookLikeDotsAreFine);
    CPPUNIT_TEST(emptyOrDuplicatePrefixIsRejected);
    CPPUNIT_TEST(routedStoreReportsFoldersAggregated);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        c_ = std::make_shared<MemoryStore>("c");
        network_ = std::make_shared<MemoryStore>("network");
        z_ = std::make_shared<MemoryStore>("z");
        router_ = std::make_unique<StoreRouter>();
        router_->add("c:", c_);
        router_->add("network", network_);
        router_->add("network/z:", z_);
    }
    void tearDown() override { router_.reset(); }

    void routesToThePrefixStoreWithTheRestAsPath() {
        c_->putFile("folderA/budget.xls", 7, 100);
        StoreRouter::Route route;
        CPPUNIT_ASSERT(router_->route("c:/folderA/budget.xls", route).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string("folderA/budget.xls"), route.path);
        CPPUNIT_ASSERT(route.store != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("memory:c"), route.store->describe());
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(route.store->stat(sdk::CallContext::unbounded(), route.path, details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{7}, details.size);
    }

    void longestPrefixWins() {
        StoreRouter::Route route;
        CPPUNIT_ASSERT(router_->route("network/z:/folderZ/budget.xls", route).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string("memory:z"), route.store->describe());
        CPPUNIT_ASSERT_EQUAL(std::string("folderZ/budget.xls"), route.path);
        CPPUNIT_ASSERT(router_->route("network/y:/folderY", route).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string("memory:network"), route.store->describe());
        CPPUNIT_ASSERT_EQUAL(std::string("y:/folderY"), route.path);
    }

    void prefixMatchesOnlyAtAComponentBoundary() {
        StoreRouter::Route route;
        const auto status = router_->route("c:folderA", route);
        CPPUNIT_ASSERT(status.isUnreachable());
        CPPUNIT_ASSERT(router_->route("networking/x", route).isUnreachable());
    }

    void locationEqualToThePrefixIsTheStoreRoot() {
        StoreRouter::Route route;
        CPPUNIT_ASSERT(router_->route("c:", route).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string(), route.path);
        CPPUNIT_ASSERT_EQUAL(std::string("memory:c"), route.store->describe());
    }

    void unknownPrefixIsUnreachableNotNotFound() {
        StoreRouter::Route route;
        const auto status = router_->route("d:/folderD", route);
        CPPUNIT_ASSERT(status.code() == sdk::StatusCode::unreachable);
        CPPUNIT_ASSERT(!status.isNotFound());
        RS_ASSERT_CONTAINS(status.message(), "d:/folderD");
        RS_ASSERT_CONTAINS(status.message(), "c:, network, network/z:");
        CPPUNIT_ASSERT(StoreRouter().route("c:/x", route).isUnreachable());
    }

    void dotDotComponentsAreRefused() {
        for (const std::string location : {"c:/..", "c:/../etc/passwd", "c:/folderA/../../x", "c:/folderA/.."}) {
            StoreRouter::Route route;
            const auto status = router_->route(location, route);
            CPPUNIT_ASSERT_MESSAGE(location, status.code() == sdk::StatusCode::invalid_argument);
            RS_ASSERT_CONTAINS(status.message(), "'..'");
            RS_ASSERT_CONTAINS(status.message(), location);
        }
    }

    void absolutePathAfterThePrefixIsRefused() {
        StoreRouter::Route route;
        const auto status = router_->route("c://etc/passwd", route);
        CPPUNIT_ASSERT(status.code() == sdk::StatusCode::invalid_argument);
        CPPUNIT_ASSERT_EQUAL(std::string("it is absolute"), relativePathProblem("/etc/passwd"));
    }

    void backslashIsRefused() {
        StoreRouter::Route route;
        const auto status = router_->route("c:/folderA\\..\\..\\x", route);
        CPPUNIT_ASSERT(status.code() == sdk::StatusCode::invalid_argument);
        RS_ASSERT_CONTAINS(status.message(), "backslash");
    }

    void nulByteIsRefused() {
        StoreRouter::Route route;
        const std::string location("c:/folderA\0/../x", 16);
        const auto status = router_->route(location, route);
        CPPUNIT_ASSERT(status.code() == sdk::StatusCode::invalid_argument);
        RS_ASSERT_CONTAINS(status.message(), "NUL");
    }

    void emptyAndDotComponentsAreRefused() {
        for (const std::string location : {"c:/a//b", "c:/a/", "c:/./a", "c:/a/."}) {
            StoreRouter::Route route;
            const auto status = router_->route(location, route);
            CPPUNIT_ASSERT_MESSAGE(location, status.code() == sdk::StatusCode::invalid_argument);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("it has an empty component"), relativePathProblem("a//b"));
        CPPUNIT_ASSERT_EQUAL(std::string("it has a '.' component"), relativePathProblem("./a"));
        CPPUNIT_ASSERT_EQUAL(std::string(), relativePathProblem("a/b.txt"));
        CPPUNIT_ASSERT_EQUAL(std::string(), relativePathProblem(""));
    }

    // "c:/" names the same entity as "c:" with an empty last component; two spellings of one
    // entity defeat the location look-up of CheckAnotherResourceInfo.
    void trailingSlashAfterThePrefixIsRefused() {
        StoreRouter::Route route;
        const auto status = router_->route("c:/", route);
        CPPUNIT_ASSERT_MESSAGE("c:/ was routed to '" + route.path + "': " + status.toString(),
                               status.code() == sdk::StatusCode::invalid_argument);
    }

    void namesThatOnlyLookLikeDotsAreFine() {
        StoreRouter::Route route;
        CPPUNIT_ASSERT(router_->route("c:/...", route).isOk());
        CPPUNIT_ASSERT(router_->route("c:/a..b/.hidden", route).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string("a..b/.hidden"), route.path);
    }

    void emptyOrDuplicatePrefixIsRejected() {
        StoreRouter router;
        CPPUNIT_ASSERT_THROW(router.add("", std::make_shared<MemoryStore>()), std::invalid_argument);
        router.add("c:", std::make_shared<MemoryStore>());
        const auto error =
            thrownMessage<std::invalid_argument>([&] { router.add("c:", std::make_shared<MemoryStore>()); });
        RS_ASSERT_CONTAINS(error, "'c:'");
        CPPUNIT_ASSERT((router.prefixes() == std::vector<std::string>{"c:"}));
        CPPUNIT_ASSERT((router_->prefixes() == std::vector<std::string>{"c:", "network", "network/z:"}));
    }

    void routedStoreReportsFoldersAggregated() {
        c_->putFile("folderA/x.txt", 10, 100);
        c_->putFile("folderA/sub/y.txt", 5, 300);
        StoreRouter::Route route;
        CPPUNIT_ASSERT(router_->route("c:/folderA", route).isOk());
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(route.store->stat(sdk::CallContext::unbounded(), route.path, details).isOk());
        CPPUNIT_ASSERT(details.kind == sdk::EntityKind::folder);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{15}, details.size);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{300}, details.modified_ms);
    }

private:
    std::shared_ptr<MemoryStore> c_, network_, z_;
    std::unique_ptr<StoreRouter> router_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(StoreRouterTest);

}  // namespace relaysync::core::coretest
