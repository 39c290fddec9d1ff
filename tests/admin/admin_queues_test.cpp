// The operator's commands on what a node has waiting and what it set aside, over the admin
// channel: outbox, dead-letters, resend-dead-letter, purge-dead-letters, purge-outbox. A relay
// on the in-process network, behind a transport that refuses chosen peers for good (so that
// its messages for them become dead letters, as with a real transport's permanent errors).
#include <cppunit/extensions/HelperMacros.h>

#include "protocol/message_id.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "admin/admin_client.h"
#include "admin/admin_commands.h"
#include "admin/admin_server.h"
#include "protocol/json_fields.h"
#include "runtime/in_process_network.h"

namespace relaysync::test {

using core::askDaemon;

namespace {
// Forwards to the in-process network, except that sends to a refused peer fail for good.
class RefusingTransport final : public sdk::Transport {
public:
    explicit RefusingTransport(std::shared_ptr<sdk::Transport> inner) : inner_(std::move(inner)) {}
    sdk::Status start(const std::string& account, sdk::TransportListener& listener) override {
        return inner_->start(account, listener);
    }
    sdk::Status send(const std::string& to, const std::string& payload) override {
        if (const auto found = refused.find(to); found != refused.end()) return sdk::Status::invalidArgument(found->second);
        return inner_->send(to, payload);
    }
    std::size_t maxPayloadBytes() const override { return inner_->maxPayloadBytes(); }
    sdk::Reachability reachability(const std::string& account) const override { return inner_->reachability(account); }
    void stop() override { inner_->stop(); }

    std::map<std::string, std::string> refused;  // peer -> the reason given

private:
    std::shared_ptr<sdk::Transport> inner_;
};

std::int64_t idNumber(const std::string& id) { return std::stoll(id.substr(id.rfind('.') + 1)); }
}  // namespace

class AdminQueuesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AdminQueuesTest);
    CPPUNIT_TEST(outboxHasOneRowPerDestinationWithItsOldestMessage);
    CPPUNIT_TEST(deadLettersKeepTheTransportsReasonAndTheTableEscapesIt);
    CPPUNIT_TEST(resentDeadLetterWaitsInTheOutboxUnderAFreshId);
    CPPUNIT_TEST(deadLettersArePurgedOneOrAllAndResentAll);
    CPPUNIT_TEST(purgeOutboxDropsOnlyTheNamedDestination);
    CPPUNIT_TEST(badSelectionsAreOneLineErrors);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        directory_ = std::filesystem::temp_directory_path() / ("relaysync-queues-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(directory_);
        transport_ = std::make_shared<RefusingTransport>(network_.transportFor("relay@net"));
        core::Node::Parts parts;
        parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / "relay.db").string());
        parts.transport = transport_;
        relay_ = core::Node::relay(std::move(parts), "relay@net", "Tokyo");
        relay_->start();  // sends right after each command, on the caller's thread
        socket_ = (directory_ / "relay.sock").string();
        server_ = std::make_unique<core::AdminServer>(socket_, [this](const auto& r) { return core::runAdminCommand(*relay_, r); });
        server_->start();
    }

    void tearDown() override {
        server_.reset();
        relay_.reset();
        std::filesystem::remove_all(directory_);
    }

    void outboxHasOneRowPerDestinationWithItsOldestMessage() {
        CPPUNIT_ASSERT_EQUAL(std::string("No messages wait to be sent.\n"), ok("outbox")->getValue<std::string>("text"));
        createGroupWith("far@net");  // nobody of that name on the network: its message waits
        createGroupWith("away@net");
        createGroupWith("far@net");
        const auto answer = ok("outbox");
        const auto rows = answer->getArray("destinations");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, rows->size());
        const auto away = rows->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("away@net"), away->getValue<std::string>("destination"));
        CPPUNIT_ASSERT_EQUAL(1, away->getValue<int>("waiting"));
        const auto far = rows->getObject(1);
        CPPUNIT_ASSERT_EQUAL(std::string("far@net"), far->getValue<std::string>("destination"));
        CPPUNIT_ASSERT_EQUAL(2, far->getValue<int>("waiting"));
        const auto oldest = far->getObject("oldest");
        CPPUNIT_ASSERT_EQUAL(std::string("group-info"), oldest->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(relayId(1), oldest->getValue<std::string>("id"));
        CPPUNIT_ASSERT(oldest->getValue<std::int64_t>("seq") < away->getObject("oldest")->getValue<std::int64_t>("seq"));
        const auto text = answer->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(text, text.find("DESTINATION") == 0);
        CPPUNIT_ASSERT_MESSAGE(text, text.find(relayId(1)) != std::string::npos);
    }

    void deadLettersKeepTheTransportsReasonAndTheTableEscapesIt() {
        CPPUNIT_ASSERT_EQUAL(std::string("No dead letters.\n"), ok("dead-letters")->getValue<std::string>("text"));
        const std::string reason = "peer says:\n\x1b[31mno\x1b[0m " + std::string(200, 'x');
        transport_->refused["bad@net"] = reason;
        createGroupWith("bad@net");
        const auto answer = ok("dead-letters");
        const auto letters = answer->getArray("dead_letters");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, letters->size());
        const auto letter = letters->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("bad@net"), letter->getValue<std::string>("destination"));
        CPPUNIT_ASSERT_EQUAL(std::string("group-info"), letter->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(relayId(1), letter->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL("invalid_argument: " + reason, letter->getValue<std::string>("reason"));  // exact
        const auto text = answer->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(text, text.find("peer says:\\n\\x1b[31mno") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find('\x1b') == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("xxx...\n") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, ok("outbox")->getArray("destinations")->size());
    }

    void resentDeadLetterWaitsInTheOutboxUnderAFreshId() {
        transport_->refused["bad@net"] = "refused";
        createGroupWith("bad@net");
        createGroupWith("far@net");  // sent after it: a higher id
        const auto seq = onlyDeadLetter()->getValue<std::int64_t>("seq");
        transport_->refused.clear();  // bad@net is now merely away: the message will wait

        const auto answer = ok("resend-dead-letter", seqArgs(seq));
        CPPUNIT_ASSERT_EQUAL(1, answer->getValue<int>("resent"));
        const auto id = answer->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(relayId(3), id);
        CPPUNIT_ASSERT_EQUAL("dead letter " + std::to_string(seq) + " is back in the outbox as " + id + "\n",
                             answer->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, ok("dead-letters")->getArray("dead_letters")->size());
        const auto rows = ok("outbox")->getArray("destinations");
        CPPUNIT_ASSERT_EQUAL(std::string("bad@net"), rows->getObject(0)->getValue<std::string>("destination"));
        CPPUNIT_ASSERT_EQUAL(id, rows->getObject(0)->getObject("oldest")->getValue<std::string>("id"));
        CPPUNIT_ASSERT(idNumber(id) > idNumber(rows->getObject(1)->getObject("oldest")->getValue<std::string>("id")));
    }

    void deadLettersArePurgedOneOrAllAndResentAll() {
        transport_->refused["bad@net"] = "refused";
        transport_->refused["worse@net"] = "refused";
        createGroupWith("bad@net");
        createGroupWith("worse@net");
        createGroupWith("bad@net");
        const auto first = ok("dead-letters")->getArray("dead_letters")->getObject(0)->getValue<std::int64_t>("seq");

        auto answer = ok("purge-dead-letters", seqArgs(first));
        CPPUNIT_ASSERT_EQUAL(1, answer->getValue<int>("purged"));
        CPPUNIT_ASSERT_EQUAL("no dead letter " + std::to_string(first) + " (see dead-letters)",
                             refused("purge-dead-letters", seqArgs(first)));

        transport_->refused.erase("worse@net");
        answer = ok("resend-dead-letter", allArgs());
        CPPUNIT_ASSERT_EQUAL(2, answer->getValue<int>("resent"));
        CPPUNIT_ASSERT_EQUAL(std::string("2 dead letters back in the outbox\n"), answer->getValue<std::string>("text"));
        // bad@net still refuses: its message is set aside again at once, under its new id.
        CPPUNIT_ASSERT_EQUAL(relayId(5), onlyDeadLetter()->getValue<std::string>("id"));

        answer = ok("purge-dead-letters", allArgs());
        CPPUNIT_ASSERT_EQUAL(1, answer->getValue<int>("purged"));
        CPPUNIT_ASSERT_EQUAL(std::string("dropped 1 dead letter\n"), answer->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, ok("dead-letters")->getArray("dead_letters")->size());
        CPPUNIT_ASSERT_EQUAL(0, ok("resend-dead-letter", allArgs())->getValue<int>("resent"));
    }

    void purgeOutboxDropsOnlyTheNamedDestination() {
        createGroupWith("far@net");
        createGroupWith("far@net");
        createGroupWith("away@net");
        const std::string needed =
            "purge-outbox drops what waits for one destination: name it in args.destination (see outbox)";
        CPPUNIT_ASSERT_EQUAL(needed, refused("purge-outbox"));
        CPPUNIT_ASSERT_EQUAL(needed, refused("purge-outbox", args({{"destination", ""}})));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, ok("outbox")->getArray("destinations")->size());

        const auto answer = ok("purge-outbox", args({{"destination", "far@net"}}));
        CPPUNIT_ASSERT_EQUAL(2, answer->getValue<int>("purged"));
        CPPUNIT_ASSERT_EQUAL(std::string("dropped 2 messages waiting for far@net\n"), answer->getValue<std::string>("text"));
        const auto rows = ok("outbox")->getArray("destinations");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, rows->size());
        CPPUNIT_ASSERT_EQUAL(std::string("away@net"), rows->getObject(0)->getValue<std::string>("destination"));
        CPPUNIT_ASSERT_EQUAL(0, ok("purge-outbox", args({{"destination", "far@net"}}))->getValue<int>("purged"));
    }

    void badSelectionsAreOneLineErrors() {
        const std::string one_of = "give one of args.seq (a dead letter's seq) and args.all (true)";
        for (const auto* command : {"resend-dead-letter", "purge-dead-letters"}) {
            CPPUNIT_ASSERT_EQUAL(one_of, refused(command));
            auto both = seqArgs(1);
            both->set("all", true);
            CPPUNIT_ASSERT_EQUAL(one_of, refused(command, both));
            CPPUNIT_ASSERT_EQUAL(std::string("field 'args.seq' must be an integer"), refused(command, args({{"seq", "1"}})));
            Poco::JSON::Object::Ptr not_all = new Poco::JSON::Object;
            not_all->set("all", false);
            CPPUNIT_ASSERT_EQUAL(std::string("args.all must be true when given"), refused(command, not_all));
            CPPUNIT_ASSERT_EQUAL(std::string("no dead letter 77 (see dead-letters)"), refused(command, seqArgs(77)));
        }
    }

private:
    // The relay's n-th message id: "relay@net#<epoch of its database>.<n>".
    std::string relayId(std::int64_t n) {
        return core::formatMessageId("relay@net", relay_->withEngine([](core::EngineBase& e) { return e.epoch(); }), n);
    }

    Poco::JSON::Object::Ptr ask(const std::string& command, Poco::JSON::Object::Ptr arguments) {
        Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
        request->set("command", command);
        request->set("args", arguments ? arguments : Poco::JSON::Object::Ptr(new Poco::JSON::Object));
        return askDaemon(socket_, request);
    }
    Poco::JSON::Object::Ptr ok(const std::string& command, Poco::JSON::Object::Ptr arguments = nullptr) {
        auto answer = ask(command, arguments);
        CPPUNIT_ASSERT_MESSAGE(command + ": " + core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        return answer;
    }
    std::string refused(const std::string& command, Poco::JSON::Object::Ptr arguments = nullptr) {
        auto answer = ask(command, arguments);
        CPPUNIT_ASSERT_MESSAGE(command + " was expected to be refused", !answer->getValue<bool>("ok"));
        return answer->getValue<std::string>("error");
    }

    static Poco::JSON::Object::Ptr args(std::initializer_list<std::pair<const char*, std::string>> values) {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        for (const auto& [key, value] : values) object->set(key, value);
        return object;
    }
    static Poco::JSON::Object::Ptr seqArgs(std::int64_t seq) {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        object->set("seq", seq);
        return object;
    }
    static Poco::JSON::Object::Ptr allArgs() {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        object->set("all", true);
        return object;
    }

    // A new group whose invitation (group-info) goes to `peer`.
    void createGroupWith(const std::string& peer) { ok("create-group", args({{"peer", peer}})); }

    Poco::JSON::Object::Ptr onlyDeadLetter() {
        const auto letters = ok("dead-letters")->getArray("dead_letters");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, letters->size());
        return letters->getObject(0);
    }

    std::filesystem::path directory_;
    core::InProcessNetwork network_;
    std::shared_ptr<RefusingTransport> transport_;
    std::unique_ptr<core::Node> relay_;
    std::string socket_;
    std::unique_ptr<core::AdminServer> server_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminQueuesTest);

}  // namespace relaysync::test
