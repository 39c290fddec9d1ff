// Remote access (issue 13) with the four sites as real processes over TLS: client21 (Osaka)
// browses and fetches what client31 (Nagoya, through R2 and R3) and client12 (Tokyo, through R2
// and R1) share in workspace1, byte for byte; a non-member, a path out of the entry and a
// symlink out of the store are refused with their own exit codes; a file changed during the
// fetch is reported; a fetch cut by killing the owner's relay resumes after its restart.
#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <sstream>

#include <Poco/JSON/Parser.h>

#include "cluster/wait.h"
#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

namespace {

// Exit codes of relaysync-admin (docs/admin.md).
constexpr int kOffline = 7, kNotMember = 9, kBadPath = 11, kChanged = 12;

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// `size` bytes that no two calls repeat, so that a chunk in the wrong place shows.
std::string randomBytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    std::string bytes(size, '\0');
    for (auto& byte : bytes) byte = static_cast<char>(random());
    return bytes;
}

Poco::JSON::Object::Ptr parseJson(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string describe(const cluster::AdminCliResult& result) {
    return "exit " + std::to_string(result.exit_code) + "; out: " + result.out + "; err: " + result.err;
}

// Every file under `a` is under `b` with the same bytes, and nothing else is.
std::string treesDiffer(const fs::path& a, const fs::path& b) {
    std::set<std::string> in_a, in_b;
    for (const auto& file : fs::recursive_directory_iterator(a)) in_a.insert(fs::relative(file.path(), a).string());
    for (const auto& file : fs::recursive_directory_iterator(b)) in_b.insert(fs::relative(file.path(), b).string());
    if (in_a != in_b) return "the trees list other items";
    for (const auto& name : in_a)
        if (fs::is_regular_file(a / name) && readFile(a / name) != readFile(b / name)) return name + " differs";
    return {};
}

}  // namespace

class RemoteAccessTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RemoteAccessTest);
    CPPUNIT_TEST(memberFetchesAFileAndAFolderAcrossSites);
    CPPUNIT_TEST(nonMemberAndEscapesAreRefused);
    CPPUNIT_TEST(fileChangedDuringTheFetchIsReported);
    CPPUNIT_TEST(fetchCutByKillingTheOwnersRelayResumes);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
        out_ = site_->dir() / "fetched";
        fs::create_directories(out_);
    }
    void tearDown() override { site_.reset(); }

    void memberFetchesAFileAndAFolderAcrossSites() {
        auto& cluster = site_->cluster();
        // More than one window of chunks (4 x 1 MiB), not a whole number of them.
        const auto content = randomBytes(6 * 1024 * 1024 + 4321, 1);
        site_->writeEntity(C31, "c:/docs/file100.pdf", content);
        site_->writeEntity(C12, "c:/folderB/drawings/big.dwg", randomBytes(2 * 1024 * 1024 + 3, 2));
        site_->writeEntity(C12, "c:/folderB/drawings/empty.dwg", "");

        const auto browsed = cluster.adminCli(C21, {"--json", "browse", "workspace1", "folderB"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(browsed), 0, browsed.exit_code);
        const auto listing = parseJson(browsed.out);
        CPPUNIT_ASSERT_EQUAL(std::string("folder"), listing->getValue<std::string>("kind"));
        const auto items = listing->getArray("items");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), items->size());
        CPPUNIT_ASSERT_EQUAL(std::string("design.doc"), items->getObject(0)->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("drawings"), items->getObject(1)->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("folder"), items->getObject(1)->getValue<std::string>("kind"));

        const auto file = cluster.adminCli(C21, {"--json", "fetch", "workspace1", "file100.pdf", (out_ / "file100.pdf").string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(file), 0, file.exit_code);
        CPPUNIT_ASSERT(readFile(out_ / "file100.pdf") == content);
        CPPUNIT_ASSERT(!fs::exists(out_ / "file100.pdf.part"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(content.size()), parseJson(file.out)->getValue<Poco::Int64>("bytes"));

        const auto folder = cluster.adminCli(C21, {"fetch", "workspace1", "folderB", (out_ / "folderB").string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(folder), 0, folder.exit_code);
        const auto differs = treesDiffer(cluster.entityPath(C12, "c:/folderB"), out_ / "folderB");
        CPPUNIT_ASSERT_MESSAGE(differs, differs.empty());

        // Recorded once per transfer at the owner and at each relay on the way.
        for (const auto& node : {C31, R3, R2}) {
            const auto log = parseJson(cluster.adminCli(node, {"--json", "access-log"}).out)->getArray("records");
            bool found = false;
            for (std::size_t i = 0; i < log->size(); ++i) {
                const auto record = log->getObject(static_cast<unsigned>(i));
                found |= record->getValue<std::string>("entry") == "file100.pdf" &&
                         record->getValue<std::string>("asker") == C21 &&
                         record->getValue<Poco::Int64>("bytes") == Poco::Int64(content.size()) &&
                         record->getValue<std::string>("outcome") == "ok";
            }
            CPPUNIT_ASSERT_MESSAGE(label(node) + " recorded the fetch of file100.pdf", found);
        }
    }

    void nonMemberAndEscapesAreRefused() {
        auto& cluster = site_->cluster();
        const auto& share = site_->ids().workspace1;
        // client32 is no member of workspace1: its relay R3 refuses it.
        const auto outsider = cluster.adminCli(C32, {"browse", share, "folderE", "--owner", C31});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(outsider), kNotMember, outsider.exit_code);
        CPPUNIT_ASSERT(outsider.err.find("not a member") != std::string::npos);

        const auto climbing = cluster.adminCli(C21, {"browse", "workspace1", "folderB", "../folderA"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(climbing), kBadPath, climbing.exit_code);
        const auto absolute = cluster.adminCli(C21, {"fetch", "workspace1", "folderB", (out_ / "x").string(), "--path", "/etc/passwd"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(absolute), kBadPath, absolute.exit_code);

        // A symlink in the shared folder that leads out of client12's store.
        const auto secret = site_->dir() / "secret.txt";
        std::ofstream(secret) << "not to be shared\n";
        fs::create_symlink(secret, cluster.entityPath(C12, "c:/folderB/link.txt"));
        fs::create_directory_symlink(site_->dir(), cluster.entityPath(C12, "c:/folderB/linkdir"));
        const auto linked = cluster.adminCli(C21, {"fetch", "workspace1", "folderB", (out_ / "s").string(), "--path", "link.txt"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(linked), kBadPath, linked.exit_code);
        const auto through = cluster.adminCli(C21, {"browse", "workspace1", "folderB", "linkdir"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(through), kBadPath, through.exit_code);
        CPPUNIT_ASSERT(!fs::exists(out_ / "s"));
        // The links are not listed either.
        const auto listed = cluster.adminCli(C21, {"browse", "workspace1", "folderB"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(listed), 0, listed.exit_code);
        CPPUNIT_ASSERT(listed.out.find("link") == std::string::npos);

        // A link that stays inside client12's store but leads out of the shared folder (to a
        // file client12 never shared) is refused too; one that stays inside the folder is not.
        std::ofstream(cluster.entityPath(C12, "c:/private.txt")) << "client12's own\n";
        fs::create_symlink(cluster.entityPath(C12, "c:/private.txt"), cluster.entityPath(C12, "c:/folderB/aside.txt"));
        const auto aside = cluster.adminCli(C21, {"fetch", "workspace1", "folderB", (out_ / "p").string(), "--path", "aside.txt"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(aside), kBadPath, aside.exit_code);
        CPPUNIT_ASSERT_MESSAGE(describe(aside), aside.err.find("leads out of") != std::string::npos);
        CPPUNIT_ASSERT(!fs::exists(out_ / "p"));
        site_->writeEntity(C12, "c:/folderB/kept.txt", "inside the shared folder\n");
        fs::create_symlink(cluster.entityPath(C12, "c:/folderB/kept.txt"), cluster.entityPath(C12, "c:/folderB/alias.txt"));
        const auto alias = cluster.adminCli(C21, {"fetch", "workspace1", "folderB", (out_ / "a").string(), "--path", "alias.txt"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(alias), 0, alias.exit_code);
        CPPUNIT_ASSERT_EQUAL(std::string("inside the shared folder\n"), cluster::readText(out_ / "a"));
    }

    void fileChangedDuringTheFetchIsReported() {
        auto& cluster = site_->cluster();
        site_->writeEntity(C31, "c:/docs/file100.pdf", randomBytes(8 * 1024 * 1024, 3));
        const auto dest = out_ / "file100.pdf";
        auto fetch = std::async(std::launch::async, [&] {
            return cluster.adminCli(C21, {"fetch", "workspace1", "file100.pdf", dest.string(), "--limit-rate", "2097152"});
        });
        cluster::waitUntil("part of file100.pdf has arrived", 30s, [&]() -> std::string {
            return fs::exists(dest.string() + ".part") && fs::file_size(dest.string() + ".part") > 0 ? "" : "nothing yet";
        }, 5ms);
        // Other traffic goes on beside the transfer: a whole-share synchronize through the same
        // relays finishes while the fetch (4 s at this rate) is still under way.
        const auto report = site_->scenario().synchronize(C21, site_->ids().workspace1);
        CPPUNIT_ASSERT(report.unreachable_nodes.empty());
        CPPUNIT_ASSERT_MESSAGE("the fetch was still running", fetch.wait_for(0s) != std::future_status::ready);
        std::ofstream(cluster.entityPath(C31, "c:/docs/file100.pdf"), std::ios::app) << "a later line\n";
        const auto result = fetch.get();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(result), kChanged, result.exit_code);
        CPPUNIT_ASSERT(result.err.find("changed during the fetch") != std::string::npos);
        CPPUNIT_ASSERT(!fs::exists(dest));
        // What was kept is of the old version: resuming it is refused too, --restart fetches anew.
        const auto resumed = cluster.adminCli(C21, {"fetch", "workspace1", "file100.pdf", dest.string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(resumed), kChanged, resumed.exit_code);
        const auto again = cluster.adminCli(C21, {"fetch", "workspace1", "file100.pdf", dest.string(), "--restart"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(again), 0, again.exit_code);
        CPPUNIT_ASSERT(readFile(dest) == readFile(cluster.entityPath(C31, "c:/docs/file100.pdf")));
    }

    void fetchCutByKillingTheOwnersRelayResumes() {
        auto& cluster = site_->cluster();
        const auto content = randomBytes(10 * 1024 * 1024 + 11, 4);
        site_->writeEntity(C31, "c:/docs/file100.pdf", content);
        const auto dest = out_ / "file100.pdf";
        const auto part = dest.string() + ".part";
        auto fetch = std::async(std::launch::async, [&] {
            return cluster.adminCli(C21, {"fetch", "workspace1", "file100.pdf", dest.string(), "--limit-rate", "2097152"});
        });
        cluster::waitUntil("2 MiB of file100.pdf have arrived", 30s, [&]() -> std::string {
            return fs::exists(part) && fs::file_size(part) >= 2 * 1024 * 1024 ? "" : "not yet";
        }, 5ms);
        cluster.kill(R3);
        const auto cut = fetch.get();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(cut), kOffline, cut.exit_code);
        const auto kept = fs::file_size(part);
        CPPUNIT_ASSERT(kept >= 2 * 1024 * 1024 && kept < content.size());

        cluster.restart(R3);
        cluster::waitUntil("client21 reaches client31 again", 30s, [&]() -> std::string {
            const auto browsed = cluster.adminCli(C21, {"browse", "workspace1", "file100.pdf"});
            return browsed.exit_code == 0 ? "" : describe(browsed);
        }, 200ms);
        const auto resumed = cluster.adminCli(C21, {"--json", "fetch", "workspace1", "file100.pdf", dest.string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(resumed), 0, resumed.exit_code);
        CPPUNIT_ASSERT(readFile(dest) == content);
        const auto files = parseJson(resumed.out)->getArray("files");
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(kept), files->getObject(0)->getValue<Poco::Int64>("resumed_from"));
    }

private:
    std::unique_ptr<E2eSite> site_;
    fs::path out_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RemoteAccessTest);

}  // namespace relaysync::e2e
