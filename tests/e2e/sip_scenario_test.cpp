// The four-site example over SIP (issue 9): the relays talk to each other only through a
// Kamailio on 127.0.0.1 over TLS with digest-authenticated accounts, and each relay is the SIP
// registrar of its own terminals (TLS on its LAN address). The scenario, crash and offline
// checks are four_site_checks.cpp's, run over direct by the other e2e tests; here also what
// SIP must refuse: a wrong password, a terminal's account posing as a relay, and a MESSAGE from
// a SIP account that is not one of relay_accounts.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <regex>

#include "cluster/wait.h"
#include "four_site_checks.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

namespace {

const std::vector<std::string> kRelays{R1, R2, R3, R4};
// A Kamailio account that is none of the relays' relay_accounts (a stolen or mistaken one).
const std::string kIntruder = "intruder@net";

E2eSite::Options sipOptions(const std::string& gone_entity = "mark") {
    E2eSite::Options options;
    options.transport = cluster::TransportChoice::sip;
    options.gone_entity = gone_entity;
    return options;
}

std::string escaped(const std::string& text) { return std::regex_replace(text, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)"); }

// A relay profile (no LAN, no terminals) that registers at the site's Kamailio.
cluster::ProfileSpec sipRelaySpec(E2eSite& site, const std::string& name, const std::string& account,
                                  const std::string& password) {
    cluster::ProfileSpec spec;
    spec.name = name;
    spec.account = account;
    spec.transport = cluster::TransportChoice::sip;
    spec.sip_server = site.sip().tlsAddress();
    spec.sip_password = password;
    spec.relay_accounts = kRelays;
    spec.ca = site.cluster().certsDir().string() + "/ca.pem";
    return spec;
}

// Replaces a node's password in its profile file (read again at its next launch).
void setPassword(E2eSite& site, const std::string& node, const std::string& from, const std::string& to) {
    const auto path = site.cluster().node(node).profile_path;
    auto text = cluster::readText(path);
    const auto at = text.find("password: \"" + from + "\"");
    CPPUNIT_ASSERT_MESSAGE("no password line in " + path.string(), at != std::string::npos);
    text.replace(at, from.size() + 12, "password: \"" + to + "\"");
    std::ofstream(path, std::ios::trunc) << text;
}

// Launches a node that must be refused: waits until it has exited and its log says why.
void expectRefused(cluster::Cluster& cluster, const std::string& node, const std::string& pattern) {
    cluster.launch(node);
    // Generous: under ASan on a loaded machine a refused start has taken over 30 s.
    cluster::waitUntil(node + " gives up", 90s, [&] { return cluster.running(node) ? "still running" : std::string(); });
    const auto log = cluster.logText(node) + cluster.outputText(node);
    CPPUNIT_ASSERT_MESSAGE(node + "'s log has no /" + pattern + "/:\n" + log, std::regex_search(log, std::regex(pattern)));
}

}  // namespace

class SipScenarioTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SipScenarioTest);
    CPPUNIT_TEST(patentScenarioOverSip);
    CPPUNIT_TEST(goneEntityRemovedOverSip);
    CPPUNIT_TEST(relayKilledAndRestartedOverSip);
    CPPUNIT_TEST(offlineTerminalOverSip);
    CPPUNIT_TEST(sipRefusesWhatIsNotARelay);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override { site_.reset(); }

    void patentScenarioOverSip() {
        site_ = std::make_unique<E2eSite>(sipOptions());
        auto& cluster = site_->cluster();
        // Relays listen for their terminals only; relays reach each other only through Kamailio.
        for (const auto& relay : kRelays) {
            const auto& profile = cluster.node(relay).profile;
            CPPUNIT_ASSERT_EQUAL(std::string("sip"), profile.transport.plugin);
            CPPUNIT_ASSERT(!profile.transport.config.count("listen") && !profile.transport.config.count("peers"));
            waitForLogLine(*site_, relay, 0, "registered " + escaped(relay) + " at the SIP server " +
                                                 escaped(site_->sip().tlsAddress()));
        }
        for (const auto& terminal : {C11, C42})
            waitForLogLine(*site_, terminal, 0, "registered " + escaped(terminal) + " at the SIP server 127\\.0\\.0\\.1:" +
                                                    std::to_string(site_->listenPort(cluster.node(terminal).profile.relay)));
        checkPatentScenario(*site_);
    }

    void goneEntityRemovedOverSip() {
        site_ = std::make_unique<E2eSite>(sipOptions("remove"));
        checkGoneEntityRemoved(*site_);
    }

    void relayKilledAndRestartedOverSip() {
        site_ = std::make_unique<E2eSite>(sipOptions());
        prepareRelayCrash(*site_);
        checkRelayKilledWhileWaitingForItsTerminals(*site_);
    }

    void offlineTerminalOverSip() {
        site_ = std::make_unique<E2eSite>(sipOptions());
        site_->formGroupsAndShare();
        checkOfflineOwnerIsReportedAndCatchesUp(*site_);
    }

    void sipRefusesWhatIsNotARelay() {
        auto options = sipOptions();
        const auto intruder_password = cluster::randomPassword();
        options.extra_sip_accounts[kIntruder] = intruder_password;
        site_ = std::make_unique<E2eSite>(options);
        auto& cluster = site_->cluster();
        auto& sip = site_->sip();

        // R4 with a wrong password: Kamailio refuses it, it stops and says why; with the right
        // one it starts again.
        CPPUNIT_ASSERT(cluster.stop(R4));
        const auto right = sip.password(R4), wrong = cluster::randomPassword();
        setPassword(*site_, R4, right, wrong);
        expectRefused(cluster, R4, "refused the credentials of " + escaped(R4));
        setPassword(*site_, R4, wrong, right);
        cluster.start(R4);

        // Beside the site, nodes the relays must not take as relays.
        cluster::Cluster others(cluster::ClusterTools::fromBuildTree(), site_->dir() / "others", cluster.certsDir());
        // client41's account with its own password, posing as a relay at Kamailio: a terminal's
        // account is no Kamailio subscriber, so the registration is refused.
        others.addNode(cluster::writeProfile(site_->dir() / "others", sipRelaySpec(*site_, "impostor", C41, sip.password(C41))));
        expectRefused(others, "impostor", "refused the credentials of " + escaped(C41));
        // An account Kamailio knows but that is not among relay_accounts: it registers, yet R1
        // answers its MESSAGE 403 and says so, and takes nothing from it.
        others.addNode(cluster::writeProfile(site_->dir() / "others", sipRelaySpec(*site_, "intruder", kIntruder, intruder_password)));
        others.start("intruder");
        const auto r1_log = cluster.logText(R1).size();
        const auto group = others.createGroup("intruder", R1);
        waitForLogLine(*site_, R1, r1_log, "refused a MESSAGE from " + escaped(kIntruder) + ": not one of relay_accounts");
        CPPUNIT_ASSERT(!cluster.status(R1).group(group));
        // The intruder's send was refused, not lost: its outbox sets the invitation aside.
        cluster::waitUntil("the intruder hears 403", 15s, [&] {
            return others.logText("intruder").find("403 Forbidden") != std::string::npos ? std::string() : "no 403 in its log";
        });
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipScenarioTest);

}  // namespace relaysync::e2e
