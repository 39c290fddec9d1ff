// The "smb" store against a real, private smbd: what it reads, and above all that a server that
// is down, hung, refusing the password or missing the share is *unreachable*, never *not found*.

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "smb_fixture.h"

namespace relaysync::tests {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

sdk::CallContext soon() { return sdk::CallContext::within(seconds(10)); }

std::vector<std::string> names(const sdk::FolderListing& items) {
    std::vector<std::string> all;
    for (const auto& item : items) all.push_back(item.name);
    std::sort(all.begin(), all.end());
    return all;
}

std::int64_t localModifiedMs(const fs::path& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

}  // namespace

class SmbStoreTest : public SmbFixture {
    CPPUNIT_TEST_SUITE(SmbStoreTest);
    CPPUNIT_TEST(testReadsTheShareWithAwkwardNames);
    CPPUNIT_TEST(testStoppedServerIsUnreachableAndComesBack);
    CPPUNIT_TEST(testHungServerIsUnreachableWithinTheTimeout);
    CPPUNIT_TEST(testWrongPasswordAndMissingShareAreUnreachableWithOneLogLine);
    CPPUNIT_TEST(testPathsCannotLeaveTheFolder);
    CPPUNIT_TEST(testCredentialsFile);
    CPPUNIT_TEST(testManyThreadsAtOnce);
    CPPUNIT_TEST(testReplacedFolderHasAnotherRootIdentity);
    CPPUNIT_TEST_SUITE_END();

public:
    void testReadsTheShareWithAwkwardNames() {
        const std::vector<std::string> awkward = {"budget 2026.xls", "100%.txt", "what?.txt", "#1.txt",
                                                  "Ωmega-予算.txt", "a+b=c&d.txt"};
        for (const auto& name : awkward) writeFile("docs/" + name, "content of " + name);
        writeFile("budget.xls", std::string(100000, 'b'));

        sdk::FolderListing items;
        ASSERT_STATUS(sdk::StatusCode::ok, store->list(soon(), "docs", items));
        auto expected = awkward;
        std::sort(expected.begin(), expected.end());
        CPPUNIT_ASSERT_EQUAL(expected.size(), names(items).size());
        for (std::size_t i = 0; i < expected.size(); ++i) CPPUNIT_ASSERT_EQUAL(expected[i], names(items)[i]);
        for (const auto& item : items) {
            // One listing carries what a stat would: time and size, the server's file id.
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(("content of " + item.name).size()), item.details.size);
            CPPUNIT_ASSERT_EQUAL(localModifiedMs(root / "docs" / item.name), item.details.modified_ms);
            CPPUNIT_ASSERT(item.details.identity.file_id != 0);
            sdk::EntityDetails details;
            ASSERT_STATUS(sdk::StatusCode::ok, store->stat(soon(), "docs/" + item.name, details));
            CPPUNIT_ASSERT(details == item.details);
            std::vector<char> bytes;
            ASSERT_STATUS(sdk::StatusCode::ok, store->read(soon(), "docs/" + item.name, 0, 4096, bytes));
            CPPUNIT_ASSERT_EQUAL("content of " + item.name, std::string(bytes.begin(), bytes.end()));
        }
        sdk::EntityDetails folder;
        ASSERT_STATUS(sdk::StatusCode::ok, store->stat(soon(), "docs", folder));
        CPPUNIT_ASSERT(folder.kind == sdk::EntityKind::folder);
        std::vector<char> bytes;
        ASSERT_STATUS(sdk::StatusCode::ok, store->read(soon(), "budget.xls", 99990, 4096, bytes));
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), bytes.size());
        ASSERT_STATUS(sdk::StatusCode::not_found, store->stat(soon(), "docs/missing.txt", folder));
        ASSERT_STATUS(sdk::StatusCode::not_found, store->list(soon(), "missing", items));
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, store->list(soon(), "budget.xls", items));
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, store->read(soon(), "docs", 0, 10, bytes));

        sdk::RootProbe first, second;
        ASSERT_STATUS(sdk::StatusCode::ok, store->probe(soon(), first));
        ASSERT_STATUS(sdk::StatusCode::ok, store->probe(soon(), second));
        CPPUNIT_ASSERT(!first.identity.empty());
        CPPUNIT_ASSERT_EQUAL(first.identity, second.identity);
        CPPUNIT_ASSERT(store->describe().find(kPassword) == std::string::npos);
    }

    void testStoppedServerIsUnreachableAndComesBack() {
        writeFile("budget.xls", "v1");
        sdk::EntityDetails details;
        ASSERT_STATUS(sdk::StatusCode::ok, store->stat(soon(), "budget.xls", details));
        server->stop();
        // Neither the file that exists nor the one that does not is "gone": nothing is known.
        const auto existing = store->stat(soon(), "budget.xls", details);
        ASSERT_STATUS(sdk::StatusCode::unreachable, existing);
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->stat(soon(), "missing.xls", details));
        sdk::FolderListing items;
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->list(soon(), "", items));
        std::vector<char> bytes;
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->read(soon(), "budget.xls", 0, 10, bytes));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log->text(), std::size_t(1), log->count("is unreachable"));

        server->start();
        ASSERT_STATUS(sdk::StatusCode::ok, store->stat(soon(), "budget.xls", details));
        ASSERT_STATUS(sdk::StatusCode::not_found, store->stat(soon(), "missing.xls", details));
        CPPUNIT_ASSERT_MESSAGE(log->text(), log->count("is reachable again") == 1);
    }

    void testHungServerIsUnreachableWithinTheTimeout() {
        writeFile("budget.xls", "v1");
        sdk::EntityDetails details;
        ASSERT_STATUS(sdk::StatusCode::ok, store->stat(soon(), "budget.xls", details));
        server->pause();
        const auto started = sdk::Clock::now();
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->stat(soon(), "budget.xls", details));
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->stat(soon(), "missing.xls", details));
        // timeout_ms is 1000: each call (and its root probe) waits about that long, not 20 s.
        const auto waited = std::chrono::duration_cast<milliseconds>(sdk::Clock::now() - started);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(waited.count()) + " ms", waited < seconds(9));
        // A caller's own deadline is kept too.
        const auto hurried = sdk::Clock::now();
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->stat(sdk::CallContext::within(milliseconds(300)), "x", details));
        CPPUNIT_ASSERT(sdk::Clock::now() - hurried < seconds(3));
        server->resume();
        bool back = false;
        for (int i = 0; i < 50 && !back; ++i) back = store->stat(soon(), "budget.xls", details).isOk();
        CPPUNIT_ASSERT_MESSAGE(log->text(), back);
    }

    void testWrongPasswordAndMissingShareAreUnreachableWithOneLogLine() {
        auto wrong = config();
        wrong["password"] = "Wrong-Secret-7";
        auto refused = makeStore(wrong);
        sdk::EntityDetails details;
        for (int i = 0; i < 3; ++i) {
            const auto status = refused->stat(soon(), "budget.xls", details);
            ASSERT_STATUS(sdk::StatusCode::unreachable, status);
            CPPUNIT_ASSERT_MESSAGE(status.message(), status.message().find("refused the user 'relaysync'") != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log->text(), std::size_t(1), log->count("refused the user 'relaysync'"));
        CPPUNIT_ASSERT(log->text().find("Wrong-Secret-7") == std::string::npos);

        auto no_share = config();
        no_share["share"] = "nosuchshare";
        auto missing = makeStore(no_share);
        const auto status = missing->stat(soon(), "budget.xls", details);
        ASSERT_STATUS(sdk::StatusCode::unreachable, status);
        CPPUNIT_ASSERT_MESSAGE(status.message(), status.message().find("the share 'nosuchshare' or its folder does not exist") != std::string::npos);
        sdk::RootProbe probe;
        ASSERT_STATUS(sdk::StatusCode::unreachable, missing->probe(soon(), probe));

        auto no_folder = config();
        no_folder["folder"] = "folderY";
        ASSERT_STATUS(sdk::StatusCode::unreachable, makeStore(no_folder)->stat(soon(), "budget.xls", details));
    }

    void testPathsCannotLeaveTheFolder() {
        fs::create_directories(dir / "share" / "outside");
        std::ofstream(dir / "share" / "outside" / "secret.txt") << "secret";
        sdk::EntityDetails details;
        for (const std::string& path : std::vector<std::string>{"../outside/secret.txt", "a/../../outside", "/etc/passwd", "..\\outside\\secret.txt",
                                       "x\\..\\..\\outside", "a//b", "./a", std::string("a\0b", 3)})
            ASSERT_STATUS(sdk::StatusCode::invalid_argument, store->stat(soon(), path, details));
        std::string error;
        auto bad = config();
        bad["folder"] = "../other";
        CPPUNIT_ASSERT(!create(bad, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("folder:") == 0);
    }

    void testCredentialsFile() {
        const auto path = dir / "credentials";
        std::ofstream(path) << "username = " << kUser << "\npassword = " << kPassword << "\n";
        ::chmod(path.c_str(), 0600);
        auto settings = config();
        settings.erase("password");
        settings.erase("user");
        settings["credentials_file"] = path.string();
        writeFile("budget.xls", "v1");
        sdk::EntityDetails details;
        ASSERT_STATUS(sdk::StatusCode::ok, makeStore(settings)->stat(soon(), "budget.xls", details));
        ::chmod(path.c_str(), 0644);
        std::string error;
        CPPUNIT_ASSERT(!create(settings, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("credentials_file: " + path.string() + " is readable") == 0);
        CPPUNIT_ASSERT(error.find(kPassword) == std::string::npos);
        settings["password"] = "both";
        CPPUNIT_ASSERT(!create(settings, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("exactly one of password and credentials_file") != std::string::npos);
    }

    // libsmbclient is not thread-safe: the store must make it so.
    void testManyThreadsAtOnce() {
        for (int i = 0; i < 20; ++i) writeFile("many/f" + std::to_string(i), std::string(i, 'x'));
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 50; ++i) {
                    sdk::EntityDetails details;
                    sdk::FolderListing items;
                    std::vector<char> bytes;
                    const std::string file = "many/f" + std::to_string((i + t) % 20);
                    if (!store->stat(soon(), file, details).isOk()) ++failures;
                    if (!store->list(soon(), "many", items).isOk() || items.size() != 20) ++failures;
                    if (!store->read(soon(), file, 0, 64, bytes).isOk() || bytes.size() != details.size) ++failures;
                }
            });
        for (auto& thread : threads) thread.join();
        CPPUNIT_ASSERT_EQUAL(0, failures.load());
    }

    void testReplacedFolderHasAnotherRootIdentity() {
        sdk::RootProbe before, after;
        ASSERT_STATUS(sdk::StatusCode::ok, store->probe(soon(), before));
        fs::rename(root, dir / "share" / "folderZ.away");
        ASSERT_STATUS(sdk::StatusCode::unreachable, store->probe(soon(), after));
        fs::create_directories(root);
        ASSERT_STATUS(sdk::StatusCode::ok, store->probe(soon(), after));
        CPPUNIT_ASSERT(before.identity != after.identity);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmbStoreTest);

}  // namespace relaysync::tests
