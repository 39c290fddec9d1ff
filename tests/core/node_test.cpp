// A node put together: engine, database, transport and outbox, on the in-process network.
#include <cppunit/extensions/HelperMacros.h>

#include "engine_test_support.h"
#include "runtime/in_process_network.h"
#include "runtime/node.h"

namespace relaysync::core::coretest {

class NodeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NodeTest);
    CPPUNIT_TEST(terminalNodeNeedsStoresAndAChecker);
    CPPUNIT_TEST(commandsForTheOtherKindOfNodeAreRefused);
    CPPUNIT_TEST(admittedTerminalReceivesItsGroup);
    CPPUNIT_TEST(messagesForAnOfflineTerminalWaitAndGoWhenItReturns);
    CPPUNIT_TEST(outboxWrittenWhileStoppedIsSentOnStart);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        network_ = std::make_unique<InProcessNetwork>();
    }
    void tearDown() override {
        terminal_.reset();
        relay_.reset();
        network_.reset();
        dir_.reset();
    }

    void terminalNodeNeedsStoresAndAChecker() {
        Node::Parts parts;
        parts.database = std::make_unique<Database>(dir_->url("t.db"));
        parts.transport = network_->transportFor(kClient11);
        CPPUNIT_ASSERT_THROW(Node::terminal(std::move(parts), kClient11, kRelay1, {}), std::invalid_argument);
    }

    void commandsForTheOtherKindOfNodeAreRefused() {
        makeRelay();
        makeTerminal();
        CPPUNIT_ASSERT(relay_->isRelay());
        CPPUNIT_ASSERT(!terminal_->isRelay());
        CPPUNIT_ASSERT_THROW(relay_->withTerminal([](TerminalEngine&) { return 0; }), CommandError);
        CPPUNIT_ASSERT_THROW(terminal_->withRelay([](RelayEngine&) { return 0; }), CommandError);
        CPPUNIT_ASSERT_EQUAL(kClient11, terminal_->account());
    }

    void admittedTerminalReceivesItsGroup() {
        makeRelay();
        makeTerminal();
        relay_->start();
        terminal_->start();
        const auto group_id = relay_->withRelay([](RelayEngine& relay) { return relay.createGroup(std::nullopt); });
        relay_->withRelay([&](RelayEngine& relay) { relay.addTerminal(group_id, kClient11, "Client 11", "Sales"); });
        CPPUNIT_ASSERT(network_->run() >= 2);  // group-info down, answer up
        const auto group = terminal_->withEngine([&](EngineBase& engine) { return engine.groups().find(group_id); });
        CPPUNIT_ASSERT(group.has_value());
        CPPUNIT_ASSERT(group->findTerminal(kClient11) != nullptr);
        CPPUNIT_ASSERT(group->hasRelay(kRelay1));
        CPPUNIT_ASSERT(relay_->withEngine([](EngineBase& engine) { return engine.messages().outbox().empty(); }));
        CPPUNIT_ASSERT(terminal_->withEngine([](EngineBase& engine) { return engine.messages().outbox().empty(); }));
    }

    void messagesForAnOfflineTerminalWaitAndGoWhenItReturns() {
        makeRelay();
        makeTerminal();
        relay_->start();
        terminal_->start();
        network_->setOnline(kClient11, false);
        const auto group_id = relay_->withRelay([](RelayEngine& relay) { return relay.createGroup(std::nullopt); });
        relay_->withRelay([&](RelayEngine& relay) { relay.addTerminal(group_id, kClient11, "Client 11", "Sales"); });
        network_->run();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1},
                             relay_->withEngine([](EngineBase& engine) { return engine.messages().outbox().size(); }));
        CPPUNIT_ASSERT(!terminal_->withEngine([&](EngineBase& engine) { return engine.groups().exists(group_id); }));

        network_->setOnline(kClient11, true);  // the relay hears of it and flushes
        network_->run();
        CPPUNIT_ASSERT(terminal_->withEngine([&](EngineBase& engine) { return engine.groups().exists(group_id); }));
        CPPUNIT_ASSERT(relay_->withEngine([](EngineBase& engine) { return engine.messages().outbox().empty(); }));
    }

    void outboxWrittenWhileStoppedIsSentOnStart() {
        makeRelay();
        makeTerminal();
        terminal_->start();
        const auto group_id = relay_->withRelay([](RelayEngine& relay) { return relay.createGroup(std::nullopt); });
        relay_->withRelay([&](RelayEngine& relay) { relay.addTerminal(group_id, kClient11, "Client 11", "Sales"); });
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, network_->run());
        relay_->start();
        network_->run();
        CPPUNIT_ASSERT(terminal_->withEngine([&](EngineBase& engine) { return engine.groups().exists(group_id); }));
    }

private:
    void makeRelay() {
        Node::Parts parts;
        parts.database = std::make_unique<Database>(dir_->url("relay1.db"));
        parts.transport = network_->transportFor(kRelay1);
        relay_ = Node::relay(std::move(parts), kRelay1, "Branch A", RelayPolicy{{}, {kClient11}});
    }

    void makeTerminal() {
        Node::Parts parts;
        parts.database = std::make_unique<Database>(dir_->url("client11.db"));
        parts.transport = network_->transportFor(kClient11);
        parts.stores = std::make_unique<StoreRouter>();
        parts.stores->add("c:", std::make_shared<test::MemoryStore>("c"));
        parts.checker = std::make_shared<TimestampSizeChecker>();
        terminal_ = Node::terminal(std::move(parts), kClient11, kRelay1, {});
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<InProcessNetwork> network_;
    std::unique_ptr<Node> relay_;
    std::unique_ptr<Node> terminal_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeTest);

}  // namespace relaysync::core::coretest
