// status_page: a node's status one bounded page at a time, from a real engine's database.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>

#include "assembly/status_page.h"
#include "assembly_test_support.h"
#include "engine/relay_engine.h"
#include "persistence/database.h"

namespace relaysync::core {
namespace {

using assemblytest::TempDir;

const std::string kAlice = "alice@relay.net", kBob = "bob@relay.net", kMallory = "mallory@relay.net";

// A relay holding three shares: "s1" with 230 entries (a few names claimed by both members,
// a few removed, a few held by a terminal that is not a member), "s2" with none, "s3" with 17.
class PagedRelay {
public:
    PagedRelay() : database_("sqlite:" + (dir_ / "relay.db")), engine_(database_, "relay@net", "Tokyo") {
        Transaction transaction(database_);
        share("s1", 230);
        share("s2", 0);
        share("s3", 17);
        transaction.commit();
    }

    RelayEngine& engine() { return engine_; }
    NodeStatus page(StatusPageRequest request) { return readStatusPage(engine_, NodeRole::relay, request); }

    // What the whole-share read shows: the reference every page must add up to.
    std::vector<ResourceEntry> entriesOf(const std::string& share_id) { return engine_.shares().entries(share_id); }

private:
    void share(const std::string& id, int count) {
        engine_.shares().putIfNewer(Share{id, "0001@relay", "name-" + id, kAlice, {kAlice, kBob}, 1});
        for (int i = 0; i < count; ++i) {
            const auto name = "file" + std::to_string(1000 + i);
            put(id, name, kBob, false);
            if (i % 10 == 0) put(id, name, kAlice, false);     // both claim it: alice's shows
            if (i % 7 == 0) put(id, name + "-gone", kAlice, true);  // a tombstone only
            if (i % 9 == 0) put(id, name + "-outsider", kMallory, false);  // not a member: hidden
        }
    }
    void put(const std::string& share_id, const std::string& name, const std::string& owner, bool removed) {
        ResourceEntry entry;
        entry.share_id = share_id;
        entry.name = name;
        entry.owner = owner;
        entry.location = "c:/" + name;
        entry.details = {sdk::EntityKind::file, 1191250832000, 42, "", {}};
        entry.version = 1;
        entry.removed = removed;
        engine_.shares().putEntryIfNewer(entry);
    }

    TempDir dir_;
    Database database_;
    RelayEngine engine_;
};

// Every page from the first (or from `request.after`) to the last, each share's entries in order.
std::map<std::string, std::vector<ResourceEntry>> allPages(PagedRelay& relay, StatusPageRequest request,
                                                           std::size_t* pages = nullptr) {
    std::map<std::string, std::vector<ResourceEntry>> seen;
    for (std::size_t count = 1;; ++count) {
        const auto status = relay.page(request);
        CPPUNIT_ASSERT(status.page.has_value());
        std::size_t on_page = 0;
        for (const auto& share : status.shares) {
            on_page += share.entries.size();
            auto& into = seen[share.share.id];
            into.insert(into.end(), share.entries.begin(), share.entries.end());
        }
        CPPUNIT_ASSERT(on_page <= request.limit);
        if (status.page->next.empty()) {
            if (pages) *pages = count;
            return seen;
        }
        CPPUNIT_ASSERT_EQUAL(request.limit, on_page);  // only the last page is short
        request.after = decodeCursor(status.page->next);
        CPPUNIT_ASSERT(count < 1000);
    }
}

class StatusPageTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusPageTest);
    CPPUNIT_TEST(everyEntryAppearsOnceAcrossPages);
    CPPUNIT_TEST(aPageEndingAtAShareEndSaysWhetherMoreFollow);
    CPPUNIT_TEST(shareFilterShowsOneShare);
    CPPUNIT_TEST(badCursorIsAClearError);
    CPPUNIT_TEST(limitIsBounded);
    CPPUNIT_TEST(longEntriesMakeShorterPages);
    CPPUNIT_TEST(countsAreWhatThePagesAddUpTo);
    CPPUNIT_TEST(textOfAContinuedPageHasEntriesAlone);
    CPPUNIT_TEST(jsonSaysWhereTheNextPageStarts);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyEntryAppearsOnceAcrossPages() {
        PagedRelay relay;
        for (const std::size_t limit : {1, 7, 100, 1000}) {
            StatusPageRequest request;
            request.limit = limit;
            std::size_t pages = 0;
            const auto seen = allPages(relay, request, &pages);
            for (const auto* id : {"s1", "s2", "s3"})
                CPPUNIT_ASSERT_MESSAGE(std::string(id) + " limit " + std::to_string(limit),
                                       relay.entriesOf(id) == (seen.count(id) ? seen.at(id) : std::vector<ResourceEntry>{}));
            CPPUNIT_ASSERT_EQUAL((247 + limit - 1) / limit, pages);
        }
        // The shadowed claim, the tombstone and the outsider's record are not shown.
        const auto s1 = relay.entriesOf("s1");
        CPPUNIT_ASSERT_EQUAL(std::size_t(230), s1.size());
        CPPUNIT_ASSERT_EQUAL(kAlice, s1.front().owner);  // file1000: both claim it
    }

    void aPageEndingAtAShareEndSaysWhetherMoreFollow() {
        PagedRelay relay;
        StatusPageRequest request;
        request.limit = 230;  // exactly s1
        auto status = relay.page(request);
        CPPUNIT_ASSERT(!status.page->next.empty());  // s3 follows
        CPPUNIT_ASSERT(status.shares[0].on_page);
        CPPUNIT_ASSERT(status.shares[1].on_page && status.shares[1].entries.empty());  // s2 has none
        CPPUNIT_ASSERT(!status.shares[2].on_page);  // s3: left to the next page
        request.after = decodeCursor(status.page->next);
        status = relay.page(request);
        CPPUNIT_ASSERT(status.page->next.empty());
        CPPUNIT_ASSERT(!status.shares[0].on_page);
        CPPUNIT_ASSERT(status.shares[1].on_page && status.shares[1].entries.empty());  // s2 has none
        CPPUNIT_ASSERT_EQUAL(std::size_t(17), status.shares[2].entries.size());
        request.limit = 17;
        request.share = "s3";
        request.after.reset();
        CPPUNIT_ASSERT(relay.page(request).page->next.empty());  // the last entry ends it
    }

    void shareFilterShowsOneShare() {
        PagedRelay relay;
        StatusPageRequest request;
        request.share = "s3";
        request.limit = 5;
        const auto seen = allPages(relay, request);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen.size());
        CPPUNIT_ASSERT(relay.entriesOf("s3") == seen.at("s3"));
        const auto status = relay.page(request);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), status.shares.size());

        request.share = "nope";
        assertRefused(relay, request, "no share nope is held here");
        request.share = "s3";
        request.after = StatusCursor{"s1", "file1000"};
        assertRefused(relay, request, "the cursor continues share s1, not s3");
    }

    void badCursorIsAClearError() {
        for (const std::string text : {"", "zz", "abc", "7331.", ".7331", "73.3g", "7331.7331.7331", "not a cursor"}) {
            try {
                decodeCursor(text);
                CPPUNIT_FAIL("'" + text + "' was taken for a cursor");
            } catch (const CommandError& e) {
                RS_ASSERT_CONTAINS(e.what(), "is not a status cursor: give the \"next\" of a previous status page");
            }
        }
        const StatusCursor cursor{"20071001150032client11@relay-server1.net", "dir a/ä \"b\".txt"};
        CPPUNIT_ASSERT(cursor == decodeCursor(encodeCursor(cursor)));
        // A cursor past everything is a last, empty page, not an error.
        PagedRelay relay;
        StatusPageRequest request;
        request.after = StatusCursor{"s9", "x"};
        const auto status = relay.page(request);
        CPPUNIT_ASSERT(status.page->next.empty());
        for (const auto& share : status.shares) CPPUNIT_ASSERT(share.entries.empty());
    }

    void limitIsBounded() {
        PagedRelay relay;
        StatusPageRequest request;
        CPPUNIT_ASSERT_EQUAL(kMaxStatusPageEntries, request.limit);  // the default is the most
        request.limit = kMaxStatusPageEntries + 1;
        assertRefused(relay, request, "a status page holds at most 1000 entries, not 1001");
        request.limit = 0;  // the shares alone
        const auto status = relay.page(request);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), status.shares.size());
        for (const auto& share : status.shares) CPPUNIT_ASSERT(share.entries.empty() && !share.on_page);
        CPPUNIT_ASSERT(status.page->next.empty());
        RS_ASSERT_NOT_CONTAINS(renderNodeStatus(status), "Entries of");
    }

    void longEntriesMakeShorterPages() {
        TempDir dir;
        Database database("sqlite:" + (dir / "relay.db"));
        RelayEngine engine(database, "relay@net", "Tokyo");
        {
            Transaction transaction(database);
            engine.shares().putIfNewer(Share{"s1", "0001@relay", "long", kAlice, {kAlice}, 1});
            for (int i = 0; i < 600; ++i) {
                ResourceEntry entry;
                entry.share_id = "s1";
                entry.name = "file" + std::to_string(1000 + i);
                entry.owner = kAlice;
                entry.location = "c:/" + std::string(4000, 'x') + entry.name;
                entry.version = 1;
                engine.shares().putEntryIfNewer(entry);
            }
            transaction.commit();
        }
        StatusPageRequest request;
        const auto status = readStatusPage(engine, NodeRole::relay, request);
        const auto shown = status.shares[0].entries.size();
        CPPUNIT_ASSERT_MESSAGE(std::to_string(shown), shown > 50 && shown < 600);
        CPPUNIT_ASSERT(!status.page->next.empty());
        const auto bytes = toJsonText(statusToJson(status), 0).size() + renderNodeStatus(status).size();
        CPPUNIT_ASSERT_MESSAGE(std::to_string(bytes), bytes <= kMaxStatusPageBytes);
    }

    void countsAreWhatThePagesAddUpTo() {
        PagedRelay relay;
        StatusPageRequest request;
        request.limit = 3;
        CPPUNIT_ASSERT(!relay.page(request).shares[0].entry_count);  // not counted unless asked
        request.count = true;
        const auto status = relay.page(request);
        for (const auto& share : status.shares)
            CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(relay.entriesOf(share.share.id).size()), *share.entry_count);
        RS_ASSERT_CONTAINS(renderShareTable(status), "ENTRIES");
        RS_ASSERT_CONTAINS(toJsonText(statusToJson(status), 0), R"("version":1,"entry_count":230,"entries":[)");
    }

    void textOfAContinuedPageHasEntriesAlone() {
        PagedRelay relay;
        StatusPageRequest request;
        request.limit = 10;
        const auto first = relay.page(request);
        const auto text = renderNodeStatus(first);
        RS_ASSERT_CONTAINS(text, "== relay@net (relay)\n");
        RS_ASSERT_CONTAINS(text, "Entries of name-s1 (s1)\n");
        RS_ASSERT_NOT_CONTAINS(text, "(s2)\n  none");  // not reached: not said to be empty
        request.after = decodeCursor(first.page->next);
        const auto next = renderNodeStatus(relay.page(request));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), next.find("Entries of name-s1 (s1), continued\n"));
        RS_ASSERT_NOT_CONTAINS(next, "Shared resources");
    }

    void jsonSaysWhereTheNextPageStarts() {
        PagedRelay relay;
        StatusPageRequest request;
        request.limit = 2;
        const auto status = relay.page(request);
        const auto json = toJsonText(statusToJson(status), 0);
        RS_ASSERT_CONTAINS(json, R"("page":{"limit":2,"entries":2,"next":")" + status.page->next + "\"}");
        CPPUNIT_ASSERT(decodeCursor(status.page->next) == (StatusCursor{"s1", "file1001"}));
    }

private:
    static void assertRefused(PagedRelay& relay, const StatusPageRequest& request, const std::string& reason) {
        try {
            relay.page(request);
            CPPUNIT_FAIL("expected a refusal: " + reason);
        } catch (const CommandError& e) {
            RS_ASSERT_CONTAINS(e.what(), reason);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusPageTest);

}  // namespace
}  // namespace relaysync::core
