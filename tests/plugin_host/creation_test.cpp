// Creating and using one plugin of each kind, failures of create, what describe() reports, and
// objects that outlive the host that made them.

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "plugin_host_fixture.h"

namespace relaysync::test {
namespace {

using core::PluginHost;
using sdk::PluginKind;

class RecordingListener final : public sdk::TransportListener {
public:
    sdk::Status onMessage(const sdk::PeerIdentity& from, const std::string& payload) override {
        received.push_back(from.account + ": " + payload);
        return sdk::Status::ok();
    }
    std::vector<std::string> received;
};

class CreationTest : public HostFixture {
    CPPUNIT_TEST_SUITE(CreationTest);
    CPPUNIT_TEST(testStoreIsCreatedAndWorks);
    CPPUNIT_TEST(testTransportIsCreatedAndWorks);
    CPPUNIT_TEST(testCheckerIsCreatedAndWorks);
    CPPUNIT_TEST(testCheckerGetsItsConfig);
    CPPUNIT_TEST(testInstancesAreIndependent);
    CPPUNIT_TEST(testObjectsOutliveTheHost);
    CPPUNIT_TEST(testConstructorFailureIsReportedWithThePluginsMessage);
    CPPUNIT_TEST(testCreateThrowingIsCaught);
    CPPUNIT_TEST(testCreateThrowingANonStandardExceptionIsCaught);
    CPPUNIT_TEST(testDescribeReportsTheDeclaration);
    CPPUNIT_TEST(testDescribeDoesNotCreate);
    CPPUNIT_TEST(testConcurrentCreation);
    CPPUNIT_TEST_SUITE_END();

public:
    void testStoreIsCreatedAndWorks() {
        const auto store = host_->createStore(choiceOf("memory", {{"root", "/srv"}}));
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store->stat(sdk::CallContext::unbounded(), "folderA/budget.xls", details).isOk());
        CPPUNIT_ASSERT(details.kind == sdk::EntityKind::file);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{10}, details.size);
        CPPUNIT_ASSERT(store->stat(sdk::CallContext::unbounded(), "folderA/gone.txt", details).isNotFound());

        sdk::FolderListing items;
        CPPUNIT_ASSERT(store->list(sdk::CallContext::unbounded(), "", items).isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, items.size());
        CPPUNIT_ASSERT_EQUAL(std::string("folderA"), items[0].name);
        CPPUNIT_ASSERT(items[0].details.kind == sdk::EntityKind::folder);

        std::vector<char> bytes;
        CPPUNIT_ASSERT(store->read(sdk::CallContext::unbounded(), "folderA/notes.txt", 1, 3, bytes).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string("ell"), std::string(bytes.begin(), bytes.end()));
    }

    void testTransportIsCreatedAndWorks() {
        const auto transport = host_->createTransport(choiceOf("loopback"));
        RecordingListener listener;
        CPPUNIT_ASSERT(transport->start("relay-server1@net", listener).isOk());
        CPPUNIT_ASSERT(transport->send("relay-server1@net", "group-info").isOk());
        CPPUNIT_ASSERT(transport->send("relay-server2@net", "group-info").isUnreachable());
        CPPUNIT_ASSERT(transport->reachability("relay-server1@net") == sdk::Reachability::reachable);
        transport->stop();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, listener.received.size());
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net: group-info"), listener.received[0]);
    }

    void testCheckerIsCreatedAndWorks() {
        const auto store = host_->createStore(choiceOf("memory", {{"root", "/srv"}}));
        const auto checker = host_->createChecker(choiceOf("size"));
        const auto call = sdk::CallContext::unbounded();
        sdk::CheckSubject subject{store->describe(), "folderA/budget.xls", {}};
        CPPUNIT_ASSERT(store->stat(call, subject.path, subject.current).isOk());
        const sdk::EntityDetails recorded{sdk::EntityKind::file, 2000, 10, {}, {}};
        CPPUNIT_ASSERT(checker->check(call, recorded, subject, nullptr).verdict == sdk::Verdict::unchanged);
        const sdk::EntityDetails smaller{sdk::EntityKind::file, 2000, 9, {}, {}};
        const auto changed = checker->check(call, smaller, subject, nullptr);
        CPPUNIT_ASSERT(changed.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{10}, changed.current.size);
        // The SDK's default describe() records what the store reported.
        sdk::EntityDetails described;
        CPPUNIT_ASSERT(checker->describe(call, subject, nullptr, described).isOk());
        CPPUNIT_ASSERT(described == recorded);
    }

    void testCheckerGetsItsConfig() {
        const auto store = host_->createStore(choiceOf("memory", {{"root", "/srv"}}));
        const auto call = sdk::CallContext::unbounded();
        sdk::CheckSubject subject{store->describe(), "folderA/budget.xls", {}};
        CPPUNIT_ASSERT(store->stat(call, subject.path, subject.current).isOk());
        const sdk::EntityDetails older{sdk::EntityKind::file, 1, 10, {}, {}};
        const auto strict = host_->createChecker(choiceOf("size"));  // compare_time defaults to yes
        CPPUNIT_ASSERT(strict->check(call, older, subject, nullptr).verdict == sdk::Verdict::changed);
        const auto lenient = host_->createChecker(choiceOf("size", {{"compare_time", "no"}}));
        CPPUNIT_ASSERT(lenient->check(call, older, subject, nullptr).verdict == sdk::Verdict::unchanged);
    }

    void testInstancesAreIndependent() {
        const auto a = host_->createStore(choiceOf("memory", {{"root", "/a"}}));
        const auto b = host_->createStore(choiceOf("memory", {{"root", "/b"}}));
        CPPUNIT_ASSERT(a.get() != b.get());
        ASSERT_CONTAINS(a->describe(), "root=/a");
        ASSERT_CONTAINS(b->describe(), "root=/b");
    }

    void testObjectsOutliveTheHost() {
        std::shared_ptr<sdk::ResourceStore> store;
        std::shared_ptr<sdk::Transport> transport;
        std::shared_ptr<sdk::EntityChecker> checker;
        {
            PluginHost host({fixtureDir()});
            store = host.createStore(choiceOf("memory", {{"root", "/srv"}}));
            transport = host.createTransport(choiceOf("loopback"));
            checker = host.createChecker(choiceOf("size"));
        }
        host_.reset();  // no host left at all
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store->stat(sdk::CallContext::unbounded(), "folderA/notes.txt", details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string("memory(main): mode=fast password= root=/srv"), store->describe());
        RecordingListener listener;
        CPPUNIT_ASSERT(transport->start("client11@relay-server1.net", listener).isOk());
        CPPUNIT_ASSERT(transport->send("client11@relay-server1.net", "synchronize").isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, listener.received.size());
        const sdk::CheckSubject subject{store->describe(), "folderA/notes.txt", details};
        CPPUNIT_ASSERT(checker->check(sdk::CallContext::unbounded(), details, subject, nullptr).verdict ==
                       sdk::Verdict::unchanged);
        checker.reset();  // destroyed by the plugin while its library is still loaded
        transport.reset();
        store.reset();
    }

    void testConstructorFailureIsReportedWithThePluginsMessage() {
        const auto error = pluginErrorOf([&] { host_->createStore(choiceOf("broken")); });
        CPPUNIT_ASSERT_EQUAL(std::string("could not create a resource store: cannot open the store root"),
                             error.reason());
        CPPUNIT_ASSERT_EQUAL(fixtureFile("relaysync-storage-broken.so"), error.file());
        ASSERT_CONTAINS(error.what(), "resource store plugin 'broken' (");
    }

    void testCreateThrowingIsCaught() {
        const auto error = pluginErrorOf([&] { host_->createStore(choiceOf("throwing")); });
        CPPUNIT_ASSERT_EQUAL(std::string("create threw: the plugin's create threw this"), error.reason());
        CPPUNIT_ASSERT_EQUAL(fixtureFile("relaysync-storage-throwing.so"), error.file());
    }

    void testCreateThrowingANonStandardExceptionIsCaught() {
        const auto error = pluginErrorOf([&] { host_->createStore(choiceOf("throwing", {{"what", "int"}})); });
        CPPUNIT_ASSERT_EQUAL(std::string("create threw an unknown exception"), error.reason());
    }

    void testDescribeReportsTheDeclaration() {
        const auto info = host_->describe(PluginKind::resource_store, "memory");
        CPPUNIT_ASSERT(info.kind == PluginKind::resource_store);
        CPPUNIT_ASSERT_EQUAL(std::string("memory"), info.name);
        CPPUNIT_ASSERT_EQUAL(std::string("In-memory store (main)"), info.description);
        CPPUNIT_ASSERT_EQUAL(fixtureFile("relaysync-storage-memory.so"), info.file);
        CPPUNIT_ASSERT_EQUAL(std::uint32_t{RELAYSYNC_SDK_ABI_MAJOR}, info.abi_major);
        CPPUNIT_ASSERT_EQUAL(std::uint32_t{RELAYSYNC_SDK_ABI_MINOR}, info.abi_minor);
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, info.keys.size());
        CPPUNIT_ASSERT_EQUAL(std::string("root"), info.keys[0].name);
        CPPUNIT_ASSERT(info.keys[0].required());
        CPPUNIT_ASSERT_EQUAL(std::string("name of the store root (required)"), info.keys[0].description);
        CPPUNIT_ASSERT_EQUAL(std::string("mode"), info.keys[1].name);
        CPPUNIT_ASSERT(!info.keys[1].required());
        CPPUNIT_ASSERT_EQUAL(std::string("fast"), *info.keys[1].default_value);
        CPPUNIT_ASSERT_EQUAL(std::string(""), *info.keys[2].default_value);

        const auto transport = host_->describe(PluginKind::transport, "loopback");
        CPPUNIT_ASSERT(transport.keys.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("Delivers to its own account only"), transport.description);
    }

    void testDescribeDoesNotCreate() {
        // Its constructor throws: describing it must still work.
        const auto info = host_->describe(PluginKind::resource_store, "broken");
        CPPUNIT_ASSERT_EQUAL(std::string("broken"), info.name);
    }

    void testConcurrentCreation() {
        PluginHost host({fixtureDir()});
        std::atomic<int> created{0};
        std::atomic<int> failed{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 20; ++i) {
                    try {
                        auto store = host.createStore(choiceOf("memory", {{"root", "/srv"}}));
                        auto checker = host.createChecker(choiceOf("size"));
                        if (store && checker) ++created;
                        host.createStore(choiceOf("abi99"));
                    } catch (const core::PluginError&) {
                        ++failed;
                    }
                }
            });
        }
        for (auto& thread : threads) thread.join();
        CPPUNIT_ASSERT_EQUAL(160, created.load());
        CPPUNIT_ASSERT_EQUAL(160, failed.load());
    }

};

CPPUNIT_TEST_SUITE_REGISTRATION(CreationTest);

}  // namespace
}  // namespace relaysync::test
