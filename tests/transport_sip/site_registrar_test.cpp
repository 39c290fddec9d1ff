// A relay as the SIP registrar of its own site (lan_listen): its terminals REGISTER there with
// digest authentication of their terminal accounts and exchange MESSAGEs with it over that
// connection, while the relay itself is registered at the real Kamailio of the fixture. Then
// the relay is attacked on that port as a terminal's neighbour would: wrong and unknown
// accounts, a replayed answer, speaking for another terminal, idle and garbage connections.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "digest.h"
#include "raw_sip_client.h"
#include "sip_fixture.h"

namespace relaysync::tests {

namespace {

namespace fs = std::filesystem;

const std::string kClient11 = "client11@relay-server1.net";
const std::string kClient12 = "client12@relay-server1.net";

}  // namespace

class SipSiteRegistrarTest : public SipFixture {
    CPPUNIT_TEST_SUITE(SipSiteRegistrarTest);
    CPPUNIT_TEST(testTerminalsRegisterAndMessagesFlowBothWays);
    CPPUNIT_TEST(testWrongPasswordAndUnknownTerminalAreRefused);
    CPPUNIT_TEST(testAConnectionSpeaksOnlyForItsAccountAndAnswersAreNotReplayed);
    CPPUNIT_TEST(testIdleAndGarbageConnectionsDoNotLockTerminalsOut);
    CPPUNIT_TEST(testTerminalAccountsFileMustBePrivate);
    CPPUNIT_TEST(testPasswordGuessingIsCutShort);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        SipFixture::setUp();
        dir_ = fs::temp_directory_path() / ("relaysync-site-registrar-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        accounts_file_ = (dir_ / "terminals").string();
        std::ofstream(accounts_file_) << "# the terminals of R1\n" << kClient11 << " pw11\n" << kClient12 << " pw12\n";
        ::chmod(accounts_file_.c_str(), 0600);
        lan_port_ = ports::reserveLoopbackPort();
    }
    void tearDown() override {
        SipFixture::tearDown();
        fs::remove_all(dir_);
    }

    void testTerminalsRegisterAndMessagesFlowBothWays() {
        Node& relay = startRelay({});
        Node& terminal = startTerminal(kClient11, "pw11");
        CPPUNIT_ASSERT(relay.listener->waitForReachability(kClient11, true, kWait));
        CPPUNIT_ASSERT(relay.transport->reachability(kClient11) == sdk::Reachability::reachable);
        CPPUNIT_ASSERT(relay.transport->reachability(kClient12) == sdk::Reachability::unreachable);

        const auto up = terminal.transport->send(kRelay1, R"({"hello":"relay"})");
        CPPUNIT_ASSERT_MESSAGE(up.toString() + "\n" + log->text(), up.isOk());
        CPPUNIT_ASSERT(relay.listener->waitForMessages(1, kWait));
        const auto received = relay.listener->messages().at(0);
        CPPUNIT_ASSERT_EQUAL(kClient11, received.identity.account);
        CPPUNIT_ASSERT(received.identity.role == sdk::PeerRole::terminal);
        CPPUNIT_ASSERT_EQUAL(kRelay1, received.identity.home_relay);  // core drops a terminal of another relay

        const auto down = relay.transport->send(kClient11, R"({"hello":"terminal"})");
        CPPUNIT_ASSERT_MESSAGE(down.toString(), down.isOk());
        CPPUNIT_ASSERT(terminal.listener->waitForMessages(1, kWait));
        CPPUNIT_ASSERT_EQUAL(kRelay1, terminal.listener->messages().at(0).identity.account);
        CPPUNIT_ASSERT(terminal.listener->messages().at(0).identity.role == sdk::PeerRole::relay);

        // A terminal that is not registered cannot be sent to, and says so at once.
        const auto absent = relay.transport->send(kClient12, "{}");
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::unreachable, absent.code());

        // The terminal goes: the relay sees it unreachable, while the relay stays at Kamailio.
        terminal.transport->stop();
        CPPUNIT_ASSERT(relay.listener->waitForReachability(kClient11, false, kWait));
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::unreachable, relay.transport->send(kClient11, "{}").code());
    }

    void testWrongPasswordAndUnknownTerminalAreRefused() {
        startRelay({});
        std::string error;
        auto wrong = create(terminalConfig("not-pw11"), &error);
        RecordingListener listener;
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::permission_denied, wrong->start(kClient11, listener).code());
        CPPUNIT_ASSERT_MESSAGE(log->text(), log->text().find("refused the REGISTER of terminal " + kClient11 +
                                                             " from 127.0.0.1:") != std::string::npos);
        CPPUNIT_ASSERT(log->text().find("not-pw11") == std::string::npos);
        wrong.reset();

        // A relay's account is not a terminal here: it cannot register on the LAN side either.
        auto relay_as_terminal = create(terminalConfig(passwordOf(kRelay2)), &error);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::permission_denied, relay_as_terminal->start(kRelay2, listener).code());
        CPPUNIT_ASSERT(log->text().find("refused the REGISTER of " + kRelay2) != std::string::npos);
    }

    void testAConnectionSpeaksOnlyForItsAccountAndAnswersAreNotReplayed() {
        Node& relay = startRelay({});
        RawSipClient raw(lan_port_);
        std::string answer;
        CPPUNIT_ASSERT_EQUAL(200, raw.registerWithDigest(kClient11, "pw11", &answer));
        // The same Authorization again (same nonce, same nc): a replay, challenged anew.
        raw.write(raw.registerRequest(kClient11, answer, 3));
        const auto replayed = raw.read(kWait);
        CPPUNIT_ASSERT(replayed);
        CPPUNIT_ASSERT_EQUAL(401, replayed->status);

        // Registered as client11, speaking as client12 or as a relay: 403, nothing delivered.
        raw.write(raw.message(kClient12, kRelay1, "{}"));
        CPPUNIT_ASSERT_EQUAL(403, raw.read(kWait)->status);
        raw.write(raw.message(kRelay2, kRelay1, "{}"));
        CPPUNIT_ASSERT_EQUAL(403, raw.read(kWait)->status);
        CPPUNIT_ASSERT(log->text().find("refused a MESSAGE from " + kClient12 + " on the connection of terminal " + kClient11) !=
                       std::string::npos);
        // Routed to someone else: the relay is no proxy.
        raw.write(raw.message(kClient11, kRelay2, "{}"));
        CPPUNIT_ASSERT_EQUAL(404, raw.read(kWait)->status);
        // Its own MESSAGE to the relay is delivered, as a terminal's.
        raw.write(raw.message(kClient11, kRelay1, R"({"ok":1})"));
        CPPUNIT_ASSERT_EQUAL(200, raw.read(kWait)->status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), relay.listener->messages().size());
        CPPUNIT_ASSERT(relay.listener->messages().at(0).identity.role == sdk::PeerRole::terminal);

        // Not registered: nothing but REGISTER is heard.
        RawSipClient stranger(lan_port_);
        stranger.write(stranger.message(kClient12, kRelay1, "{}"));
        CPPUNIT_ASSERT_EQUAL(403, stranger.read(kWait)->status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), relay.listener->messages().size());
    }

    void testIdleAndGarbageConnectionsDoNotLockTerminalsOut() {
        Node& relay = startRelay({{"lan_max_connections", "3"}, {"lan_register_timeout_ms", "500"}});
        std::vector<std::unique_ptr<RawSipClient>> idle;
        for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<RawSipClient>(lan_port_));
        // A fourth is closed at once; the idle ones are closed once their time to register is up.
        RawSipClient fourth(lan_port_);
        CPPUNIT_ASSERT(fourth.closedWithin(kWait));
        for (auto& client : idle) CPPUNIT_ASSERT(client->closedWithin(kWait));
        CPPUNIT_ASSERT(log->text().find("did not register within 500 ms") != std::string::npos);

        Node& terminal = startTerminal(kClient11, "pw11");
        CPPUNIT_ASSERT(relay.listener->waitForReachability(kClient11, true, kWait));
        // Garbage on another connection closes that one only.
        RawSipClient garbage(lan_port_);
        garbage.write("GARBAGE\r\nContent-Length: 0\r\n\r\n");
        CPPUNIT_ASSERT(garbage.closedWithin(kWait));
        RawSipClient unframed(lan_port_);
        unframed.write(std::string(20000, 'x'));
        CPPUNIT_ASSERT(unframed.closedWithin(kWait));
        CPPUNIT_ASSERT(terminal.transport->send(kRelay1, R"({"still":"served"})").isOk());
        CPPUNIT_ASSERT(relay.listener->waitForMessages(1, kWait));
    }

    // Wrong answers from one address are counted; past lan_max_failed_registers that address is
    // refused outright for the rest of the window, and the log says so a bounded number of times.
    // An answer without qop (no nonce count, so replayable) is a wrong one; so is a bad Expires.
    void testPasswordGuessingIsCutShort() {
        startRelay({{"lan_max_failed_registers", "3"}, {"warnings_per_source", "5"}});
        {
            RawSipClient raw(lan_port_);
            raw.write(raw.registerRequest(kClient11, "", 1));
            const auto challenged = raw.read(kWait);
            CPPUNIT_ASSERT(challenged && challenged->challenge);
            auto without_qop = *challenged->challenge;
            without_qop.qop_auth = false;
            const auto answer = transport_sip::digestAuthorization(without_qop, {"client11", "pw11"}, "REGISTER",
                                                                   "sip:relay-server1.net", 1, "c");
            raw.write(raw.registerRequest(kClient11, answer, 2));
            CPPUNIT_ASSERT_EQUAL(401, raw.read(kWait)->status);
        }
        {
            RawSipClient raw(lan_port_);
            std::string request = raw.registerRequest(kClient11, "", 1);
            request.replace(request.find("Expires: 600"), 12, "Expires: 10abc");
            raw.write(request);
            CPPUNIT_ASSERT_EQUAL(400, raw.read(kWait)->status);
        }
        for (int i = 0; i < 4; ++i) {
            RawSipClient raw(lan_port_);
            raw.registerWithDigest(kClient11, "guess" + std::to_string(i));
        }
        // Barred now, even with the right password, from this address: 503 with Retry-After (a
        // terminal caught in the bar keeps trying rather than giving up).
        RawSipClient late(lan_port_);
        late.write(late.registerRequest(kClient11, "", 1));
        const auto refused = late.read(kWait);
        CPPUNIT_ASSERT(refused);
        CPPUNIT_ASSERT_EQUAL(503, refused->status);
        CPPUNIT_ASSERT_MESSAGE(log->text(), log->text().find("wrong answers from that address") != std::string::npos);
        CPPUNIT_ASSERT(log->text().find("guess1") == std::string::npos);
    }

    void testTerminalAccountsFileMustBePrivate() {
        ::chmod(accounts_file_.c_str(), 0644);
        std::string error;
        auto config = configFor(kRelay1);
        config["lan_listen"] = "127.0.0.1:" + std::to_string(lan_port_);
        config["terminal_accounts_file"] = accounts_file_;
        CPPUNIT_ASSERT(!create(config, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("terminal_accounts_file: " + accounts_file_ + " is readable") != std::string::npos);
        ::chmod(accounts_file_.c_str(), 0600);
        std::ofstream(accounts_file_, std::ios::app) << "not-an-account pw\n";
        CPPUNIT_ASSERT(!create(config, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find(":4: 'not-an-account'") != std::string::npos);
    }

private:
    Node& startRelay(const std::map<std::string, std::string>& extra) {
        auto config = configFor(kRelay1);
        config["lan_listen"] = "127.0.0.1:" + std::to_string(lan_port_);
        config["terminal_accounts_file"] = accounts_file_;
        for (const auto& [key, value] : extra) config[key] = value;
        return startNodeWith(kRelay1, config);
    }

    sdk::PluginConfig terminalConfig(const std::string& password) const {
        return {{"server", "127.0.0.1:" + std::to_string(lan_port_)},
                {"password", password},
                {"relay_accounts", kRelay1},
                {"transaction_timeout_ms", "5000"},
                {"reconnect_initial_ms", "100"},
                {"reconnect_max_ms", "300"}};
    }

    Node& startTerminal(const std::string& account, const std::string& password) {
        return startNodeWith(account, terminalConfig(password));
    }

    fs::path dir_;
    std::string accounts_file_;
    std::uint16_t lan_port_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipSiteRegistrarTest);

}  // namespace relaysync::tests
