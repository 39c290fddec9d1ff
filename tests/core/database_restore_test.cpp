// Putting a backup back: the data is the backup's, the message-id epoch is new (so that peers
// do not take the restored node's next messages for ones already seen), the file keeps its
// owner and mode, no WAL of the replaced database survives, and a bad backup changes nothing.
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core_test_support.h"
#include "persistence/database.h"
#include "persistence/database_restore.h"

namespace relaysync::core::coretest {

namespace fs = std::filesystem;

class DatabaseRestoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DatabaseRestoreTest);
    CPPUNIT_TEST(restoredDatabaseHasTheBackupsDataAndANewEpoch);
    CPPUNIT_TEST(restoredFileKeepsTheReplacedFilesMode);
    CPPUNIT_TEST(badOrMissingBackupChangesNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = std::make_unique<TempDir>();
        live_ = (dir_->path() / "node.db").string();
        backup_ = (dir_->path() / "backup.db").string();
    }
    void tearDown() override { dir_.reset(); }

    void restoredDatabaseHasTheBackupsDataAndANewEpoch() {
        std::string old_epoch;
        {
            Database live("sqlite:" + live_);
            old_epoch = live.epoch();
            CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, live.nextCounter("message"));
            live.session() << "VACUUM INTO '" + backup_ + "'", Poco::Data::Keywords::now;
            CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, live.nextCounter("message"));  // after the backup
        }
        const auto restored = restoreDatabase(live_, backup_);
        CPPUNIT_ASSERT_EQUAL(kSchemaVersion, restored.schema_version);
        CPPUNIT_ASSERT(restored.epoch != old_epoch);
        CPPUNIT_ASSERT(!fs::exists(live_ + "-wal"));
        CPPUNIT_ASSERT(!fs::exists(live_ + ".restoring"));
        Database back("sqlite:" + live_);
        CPPUNIT_ASSERT_EQUAL(restored.epoch, back.epoch());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, back.nextCounter("message"));  // the backup's counter
    }

    void restoredFileKeepsTheReplacedFilesMode() {
        {
            Database live("sqlite:" + live_);
            live.session() << "VACUUM INTO '" + backup_ + "'", Poco::Data::Keywords::now;
        }
        fs::permissions(live_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
        fs::permissions(backup_, fs::perms::all);
        restoreDatabase(live_, backup_);
        struct stat info {};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(live_.c_str(), &info));
        CPPUNIT_ASSERT_EQUAL(mode_t{0640}, mode_t(info.st_mode & 07777));
    }

    void badOrMissingBackupChangesNothing() {
        std::string epoch;
        {
            Database live("sqlite:" + live_);
            epoch = live.epoch();
            live.nextCounter("message");
        }
        std::ofstream(backup_) << "not a database, but a file of the right name\n";
        CPPUNIT_ASSERT_THROW(restoreDatabase(live_, backup_), DatabaseError);
        CPPUNIT_ASSERT_THROW(restoreDatabase(live_, (dir_->path() / "missing.db").string()), DatabaseError);
        CPPUNIT_ASSERT(!fs::exists(live_ + ".restoring"));
        Database live("sqlite:" + live_);
        CPPUNIT_ASSERT_EQUAL(epoch, live.epoch());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, live.nextCounter("message"));
    }

private:
    std::unique_ptr<TempDir> dir_;
    std::string live_, backup_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DatabaseRestoreTest);

}  // namespace relaysync::core::coretest
