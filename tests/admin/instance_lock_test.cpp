// One daemon per database: the lock file next to it refuses a second holder, names the first
// by pid, and blocks nobody once its holder is gone, however it ended.
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include "admin/instance_lock.h"

namespace relaysync::test {

namespace fs = std::filesystem;
using core::AlreadyRunning;
using core::InstanceLock;

namespace {
std::string readFile(const fs::path& file) {
    std::ifstream in(file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string refusal(const std::string& path, const std::string& what) {
    try {
        InstanceLock second(path, what);
    } catch (const AlreadyRunning& e) {
        return e.what();
    }
    CPPUNIT_FAIL("expected AlreadyRunning");
    return {};
}
}  // namespace

class InstanceLockTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(InstanceLockTest);
    CPPUNIT_TEST(secondHolderIsRefusedNamingTheFirstByPid);
    CPPUNIT_TEST(releasedLockRemovesTheFileAndCanBeTakenAgain);
    CPPUNIT_TEST(fileLeftByADeadHolderBlocksNobody);
    CPPUNIT_TEST(holderThatIsKilledReleasesTheLock);
    CPPUNIT_TEST(lockIsNextToTheSqliteFileWithLinksResolved);
    CPPUNIT_TEST(lockIsNextToTheSocketForOtherDatabases);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = fs::temp_directory_path() / ("relaysync-lock-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
        path_ = (dir_ / "relay.db.lock").string();
    }
    void tearDown() override { fs::remove_all(dir_); }

    void secondHolderIsRefusedNamingTheFirstByPid() {
        InstanceLock first(path_, "sqlite:relay.db");
        CPPUNIT_ASSERT_EQUAL(std::to_string(::getpid()) + "\n", readFile(path_));
        CPPUNIT_ASSERT_EQUAL("already running (pid " + std::to_string(::getpid()) + ") on sqlite:relay.db",
                             refusal(path_, "sqlite:relay.db"));
        // The refused attempt changed nothing: the first still holds it, with its pid written.
        CPPUNIT_ASSERT_EQUAL(std::to_string(::getpid()) + "\n", readFile(path_));
        CPPUNIT_ASSERT_THROW(InstanceLock(path_, "x"), AlreadyRunning);
    }

    void releasedLockRemovesTheFileAndCanBeTakenAgain() {
        { InstanceLock first(path_, "x"); }
        CPPUNIT_ASSERT(!fs::exists(path_));
        InstanceLock again(path_, "x");
        CPPUNIT_ASSERT(fs::exists(path_));
    }

    void fileLeftByADeadHolderBlocksNobody() {
        std::ofstream(path_) << "999999999\n";  // no process holds a lock on it
        InstanceLock lock(path_, "x");
        CPPUNIT_ASSERT_EQUAL(std::to_string(::getpid()) + "\n", readFile(path_));
    }

    // A daemon killed with SIGKILL never runs its destructor; the kernel drops its lock.
    void holderThatIsKilledReleasesTheLock() {
        int ready[2];
        CPPUNIT_ASSERT_EQUAL(0, ::pipe(ready));
        const pid_t child = ::fork();
        if (child == 0) {
            ::close(ready[0]);
            try {
                InstanceLock lock(path_, "x");
                [[maybe_unused]] auto written = ::write(ready[1], "L", 1);
                for (;;) ::pause();
            } catch (...) {
                ::_exit(1);
            }
        }
        ::close(ready[1]);
        char byte = 0;
        const bool locked = ::read(ready[0], &byte, 1) == 1;  // EOF instead if the child failed
        ::close(ready[0]);
        if (locked) {
            const auto message = refusal(path_, "x");
            CPPUNIT_ASSERT_EQUAL("already running (pid " + std::to_string(child) + ") on x", message);
        }
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        CPPUNIT_ASSERT_MESSAGE("the child took the lock", locked);
        CPPUNIT_ASSERT_EQUAL(std::to_string(child) + "\n", readFile(path_));  // left behind
        InstanceLock lock(path_, "x");
        CPPUNIT_ASSERT_EQUAL(std::to_string(::getpid()) + "\n", readFile(path_));
    }

    void lockIsNextToTheSqliteFileWithLinksResolved() {
        fs::create_directories(dir_ / "data");
        fs::create_directory_symlink(dir_ / "data", dir_ / "link");
        core::Profile profile;
        profile.database = "sqlite:" + (dir_ / "link" / "relay1.db").string();
        const auto place = core::instanceLockPlace(profile);
        CPPUNIT_ASSERT_EQUAL(fs::canonical(dir_ / "data").string() + "/relay1.db.lock", place.path);
        CPPUNIT_ASSERT_EQUAL(profile.database, place.what);
    }

    void lockIsNextToTheSocketForOtherDatabases() {
        core::Profile profile;
        profile.database = "postgresql:host=db password=secret";
        profile.admin.socket = (dir_ / "relay1.sock").string();
        const auto place = core::instanceLockPlace(profile);
        CPPUNIT_ASSERT_EQUAL(profile.admin.socket + ".lock", place.path);
        CPPUNIT_ASSERT_EQUAL("admin socket " + profile.admin.socket, place.what);
    }

private:
    fs::path dir_;
    std::string path_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(InstanceLockTest);

}  // namespace relaysync::test
