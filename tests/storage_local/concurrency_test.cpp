// The contract allows calls from several threads at once.

#include <atomic>
#include <thread>

#include "store_fixture.h"

namespace relaysync::tests {

class ConcurrencyTest : public StoreFixture {
    CPPUNIT_TEST_SUITE(ConcurrencyTest);
    CPPUNIT_TEST(testManyThreadsAtOnce);
    CPPUNIT_TEST_SUITE_END();

public:
    void testManyThreadsAtOnce() {
        tree->writeFile("root/folderA/a.txt", std::string(4096, 'a'));
        tree->writeFile("root/folderA/b.txt", "b");
        tree->symlink("root/link", "folderA/a.txt");
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([this, &wrong] {
                for (int i = 0; i < 200; ++i) {
                    sdk::EntityDetails details;
                    if (!store->stat(sdk::CallContext::unbounded(), "link", details).isOk() || details.size != 4096) ++wrong;
                    sdk::FolderListing items;
                    if (!store->list(sdk::CallContext::unbounded(), "folderA", items).isOk() || items.size() != 2) ++wrong;
                    std::vector<char> bytes;
                    if (!store->read(sdk::CallContext::unbounded(), "folderA/a.txt", 1000, 100, bytes).isOk() || bytes.size() != 100) ++wrong;
                    if (store->stat(sdk::CallContext::unbounded(), "../outside/secret.txt", details).code() != sdk::StatusCode::invalid_argument)
                        ++wrong;
                }
            });
        }
        for (auto& thread : threads) thread.join();
        CPPUNIT_ASSERT_EQUAL(0, wrong.load());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConcurrencyTest);

}  // namespace relaysync::tests
