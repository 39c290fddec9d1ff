// The four-site example with real file servers (issue 10): Tokyo's and Nagoya's network/z: are
// private smbd instances (scripts/samba.sh) mounted through the smb store. client11 owns
// file00ZX.xls = network/z:/folderZ/budget.xls on Tokyo's server. What happens to the file on
// the server's disk reaches every member with one synchronize; a server that is down, hung,
// refuses the password or lacks the share makes the entry "unreachable" everywhere and never
// removes it, while client11's own c: keeps syncing.
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "cluster/wait.h"
#include "four_site_checks.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

namespace {

const std::string kZEntry = "file00ZX.xls";
const std::string kZLocation = "network/z:/folderZ/budget.xls";

E2eSite::Options smbOptions(const std::string& gone_entity = "mark") {
    E2eSite::Options options;
    options.samba = true;
    options.gone_entity = gone_entity;
    options.smb_timeout_ms = 1000;  // a hung server costs about a second per call
    return options;
}

std::int64_t modifiedMs(const fs::path& file) {
    struct stat st {};
    CPPUNIT_ASSERT_MESSAGE("cannot stat " + file.string(), ::stat(file.c_str(), &st) == 0);
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

// Bytes of the files under a folder (a folder entry's size).
std::uint64_t folderSize(const fs::path& folder) {
    std::uint64_t size = 0;
    for (const auto& file : fs::recursive_directory_iterator(folder))
        if (file.is_regular_file()) size += file.file_size();
    return size;
}

// client11's own c:/folderA grows: the node's other store, which must keep syncing.
std::uint64_t growFolderA(E2eSite& site) {
    site.writeEntity(C11, "c:/folderA/plan.txt", "Q4 sales plan, revised while the file server was away\n");
    return folderSize(site.cluster().entityPath(C11, "c:/folderA"));
}

cluster::four_site::ShareExpectation zIs(const std::string& status, std::optional<std::uint64_t> size = std::nullopt,
                                         std::optional<std::uint64_t> folder_a = std::nullopt) {
    return [=](const cluster::ShareView& share) {
        if (share.entries.size() != 6) return share.name + " has " + std::to_string(share.entries.size()) + " entries, not 6";
        if (auto problem = expectEntry(share, kZEntry, status, size); !problem.empty()) return problem;
        return folder_a ? expectEntry(share, "folderA", "ok", folder_a) : std::string();
    };
}

std::size_t countLines(const std::string& text, const std::string& pattern) {
    const std::regex wanted(pattern);
    std::istringstream lines(text);
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line);) count += std::regex_search(line, wanted);
    return count;
}

std::string allProblems(const cluster::SyncReportView& report) { return joined(report.problems); }

// Resumes a paused smbd whatever happens (its stop would too, but later).
class PausedServer {
public:
    explicit PausedServer(cluster::SambaServer& server) : server_(server) { server_.pause(); }
    ~PausedServer() { server_.resume(); }
    PausedServer(const PausedServer&) = delete;
    PausedServer& operator=(const PausedServer&) = delete;

private:
    cluster::SambaServer& server_;
};

}  // namespace

class SmbScenarioTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SmbScenarioTest);
    CPPUNIT_TEST(changedAndDeletedOnTheServer);
    CPPUNIT_TEST(deletedOnTheServerIsRemoved);
    CPPUNIT_TEST(serverStoppedThenRestarted);
    CPPUNIT_TEST(serverHung);
    CPPUNIT_TEST(wrongPasswordAndMissingShare);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override { site_.reset(); }

    // (a) and (b) with gone_entity mark: one synchronize, from a member at another site, brings
    // the server's new size and time to every member; a deleted file is marked; back, it recovers.
    void changedAndDeletedOnTheServer() {
        start();
        auto& cluster = site_->cluster();
        const auto& profile = cluster.node(C11).profile;
        CPPUNIT_ASSERT_EQUAL(std::string("smb"), profile.stores.at(1).plugin.plugin);
        CPPUNIT_ASSERT(!profile.stores.at(1).plugin.config.count("password"));  // only in the credentials file

        const auto size = site_->scenario().changeFileServerBudget();
        const auto file = cluster.entityPath(C11, kZLocation);
        const auto modified = modifiedMs(file);
        const auto report = sync(C21);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(allProblems(report), std::int64_t(1), report.changed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.unreachable);
        waitConverged(*site_, "the server's new budget.xls everywhere", ids().workspace1,
                      [&](const cluster::ShareView& share) -> std::string {
                          if (auto problem = zIs("ok", size)(share); !problem.empty()) return problem;
                          const auto shown = share.entry(kZEntry)->modified_ms;
                          return shown == modified ? std::string()
                                                   : "modified " + std::to_string(shown) + ", expected " + std::to_string(modified);
                      });

        fs::remove(file);
        const auto gone = sync(C11);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(allProblems(gone), std::int64_t(1), gone.gone);
        waitConverged(*site_, "budget.xls marked gone everywhere", ids().workspace1, zIs("file not found"));

        site_->writeEntity(C11, kZLocation, "budget of the Tokyo office, restored\n");
        const auto back = sync(C11);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(allProblems(back), std::int64_t(1), back.recovered);
        waitConverged(*site_, "budget.xls back everywhere", ids().workspace1, zIs("ok", fs::file_size(file)));
    }

    // (b) with gone_entity remove: the entry leaves the share everywhere.
    void deletedOnTheServerIsRemoved() {
        start("remove");
        fs::remove(site_->cluster().entityPath(C11, kZLocation));
        const auto report = sync(C11);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(allProblems(report), std::int64_t(1), report.gone);
        waitConverged(*site_, "budget.xls removed everywhere", ids().workspace1,
                      [](const cluster::ShareView& share) { return expectNoEntry(share, kZEntry); });
    }

    // (c) smbd stopped: unreachable everywhere, nothing removed, c: still syncs; back: ok.
    void serverStoppedThenRestarted() {
        start();
        auto& tokyo = *site_->samba().serverOf(C11).server;
        const auto size = fs::file_size(site_->cluster().entityPath(C11, kZLocation));
        tokyo.stop();
        expectUnreachableWhileCSyncs(size, 20s);
        tokyo.start();
        expectBackToOk(size);
    }

    // (d) smbd hung (SIGSTOP to its process group): the same as stopped, within bounded time.
    void serverHung() {
        start();
        auto& tokyo = *site_->samba().serverOf(C11).server;
        const auto size = fs::file_size(site_->cluster().entityPath(C11, kZLocation));
        {
            PausedServer hung(tokyo);
            // timeout_ms 1000: a few calls of a second each at most.
            expectUnreachableWhileCSyncs(size, 15s);
        }
        expectBackToOk(size);
    }

    // (e) a refused password, then a share that does not exist: unreachable, one clear line in
    // client11's log each time, never a deletion.
    void wrongPasswordAndMissingShare() {
        start();
        auto& cluster = site_->cluster();
        auto& samba = site_->samba();
        auto& tokyo = samba.serverOf(C11);
        const auto size = fs::file_size(cluster.entityPath(C11, kZLocation));

        CPPUNIT_ASSERT(cluster.stop(C11));
        samba.writeCredentials(tokyo, "not-" + samba.password());
        auto offset = cluster.logText(C11).size();
        cluster.start(C11);
        expectUnreachableWhileCSyncs(size, 20s);
        // The store says so once (core adds its per-entry warning and the synchronize's summary).
        const auto refused = site_->logSince(C11, offset);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(refused, std::size_t(1), countLines(refused, "smb: .* is unreachable: .*refused the user 'relaysync'"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(refused, std::size_t(1), countLines(refused, "\\] relaysync\\.storage\\.smb: "));

        CPPUNIT_ASSERT(cluster.stop(C11));
        samba.writeCredentials(tokyo, samba.password());
        const auto profile = cluster.node(C11).profile_path;
        const auto original = cluster::readText(profile);
        auto missing = original;
        const std::string share_line = "share: \"" + cluster::SambaSite::kShare + "\"";
        CPPUNIT_ASSERT(missing.find(share_line) != std::string::npos);
        missing.replace(missing.find(share_line), share_line.size(), "share: \"no-such-share\"");
        std::ofstream(profile, std::ios::trunc) << missing;
        offset = cluster.logText(C11).size();
        cluster.start(C11);
        const auto before = cluster.status(C11).share(ids().workspace1)->entry("folderA")->size;
        const auto report = sync(C11);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(allProblems(report), std::int64_t(1), report.unreachable);  // still
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.gone);
        waitConverged(*site_, "budget.xls still unreachable everywhere", ids().workspace1, zIs("unreachable", size, before));
        const auto no_share = site_->logSince(C11, offset);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(no_share, std::size_t(1),
                                     countLines(no_share, "smb: .* is unreachable: the share 'no-such-share' does not exist"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(no_share, std::size_t(1), countLines(no_share, "\\] relaysync\\.storage\\.smb: "));

        CPPUNIT_ASSERT(cluster.stop(C11));
        std::ofstream(profile, std::ios::trunc) << original;
        cluster.start(C11);
        expectBackToOk(size);
    }

private:
    void start(const std::string& gone_entity = "mark") {
        site_ = std::make_unique<E2eSite>(smbOptions(gone_entity));
        site_->formGroupsAndShare();
    }

    const Ids& ids() const { return site_->ids(); }

    cluster::SyncReportView sync(const std::string& node) { return site_->scenario().synchronize(node, ids().workspace1); }

    // The file server cannot be reached: a synchronize (finished within `bound`) reports
    // file00ZX.xls unreachable, every holder shows it so with its old size, nothing is removed,
    // and client11's c:/folderA change goes through all the same.
    void expectUnreachableWhileCSyncs(std::uint64_t size, std::chrono::milliseconds bound) {
        auto& cluster = site_->cluster();
        const auto folder_a = growFolderA(*site_);
        const auto began = std::chrono::steady_clock::now();
        const auto report = cluster.awaitSync(C11, cluster.startSync(C11, ids().workspace1), bound);
        const auto took = std::chrono::steady_clock::now() - began;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(allProblems(report), std::int64_t(1), report.unreachable);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);  // folderA
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.gone);
        CPPUNIT_ASSERT_MESSAGE(joined(report.unreachable_nodes), report.unreachable_nodes.empty());
        CPPUNIT_ASSERT_MESSAGE(allProblems(report), allProblems(report).find(kZEntry + " in") != std::string::npos);
        waitConverged(*site_, "budget.xls unreachable and folderA changed everywhere", ids().workspace1,
                      zIs("unreachable", size, folder_a));
        std::printf("\n  (the synchronize with the file server unreachable took %s)\n", cluster::seconds(took).c_str());
    }

    // The server answers again: the next synchronize brings the entry back to ok everywhere.
    void expectBackToOk(std::uint64_t size) {
        const auto report = sync(C11);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(allProblems(report), std::int64_t(1), report.recovered);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.unreachable);
        waitConverged(*site_, "budget.xls ok again everywhere", ids().workspace1, zIs("ok", size));
    }

    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmbScenarioTest);

}  // namespace relaysync::e2e
