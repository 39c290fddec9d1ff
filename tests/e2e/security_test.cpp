// Security across processes: a peer whose certificate is from another CA, or is another
// account's, is refused and the relay's log says so; a terminal that is not a member of a share
// gets nothing of it; garbage or an oversized frame on a relay's port closes that connection
// only, and the relay goes on serving everyone else.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <functional>
#include <random>
#include <regex>
#include <sstream>

#include <Poco/Exception.h>

#include "cluster/wait.h"
#include "e2e_site.h"
#include "raw_peer.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

namespace {

// An extra terminal of Fukuoka that no one admits; its certificate may come from anywhere.
const std::string C43 = "client43@relay-server4.net";
const std::string R4Account = "relay-server4@net";
// An extra terminal of Tokyo that no one admits.
const std::string C13 = "client13@relay-server1.net";
const std::string R1Account = "relay-server1@net";

cluster::ProfileSpec* specNamed(std::vector<cluster::ProfileSpec>& specs, const std::string& name) {
    for (auto& spec : specs)
        if (spec.name == name) return &spec;
    throw cluster::ClusterError("no profile " + name);
}

std::string portOf(const cluster::ProfileSpec& relay) { return relay.listen.substr(relay.listen.rfind(':') + 1); }

// What the direct transport logs when it refuses the connection from `peer`'s port, whether
// its account was known by then ("... with client43@... from 127.0.0.1:P: why") or not
// ("... with 127.0.0.1:P (account not yet known): why").
std::string refusedFrom(const RawPeer& peer, const std::string& why = "") {
    return "refused the connection with .*127\\.0\\.0\\.1:" + std::to_string(peer.localPort()) + "\\b.*" + why;
}

}  // namespace

class SecurityTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SecurityTest);
    CPPUNIT_TEST(certificateFromAnotherCaIsRefusedAndLogged);
    CPPUNIT_TEST(certificateOfAnotherAccountIsRefusedAndLogged);
    CPPUNIT_TEST(nonMemberGetsNothingOfAShare);
    CPPUNIT_TEST(garbageAndOversizedFramesCloseOnlyThatConnection);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override { site_.reset(); }

    // A terminal agent whose certificate and CA are a rogue CA's dials R4: refused, logged at R4.
    // A raw TLS client with such a certificate (and not checking R4's) is refused by R4 itself.
    void certificateFromAnotherCaIsRefusedAndLogged() {
        E2eSite::Options options;
        options.adjust = [](std::vector<cluster::ProfileSpec>& specs) {
            auto rogue = *specNamed(specs, "client41");
            rogue.name = "client43";
            rogue.account = C43;
            rogue.display_name = "Fukuoka PC 43 (rogue CA)";
            rogue.certificate = "${RELAYSYNC_CERTS}/rogue/" + C43 + ".pem";
            rogue.private_key = "${RELAYSYNC_CERTS}/rogue/" + C43 + ".key";
            rogue.ca = "${RELAYSYNC_CERTS}/rogue/rogue-ca.pem";
            rogue.stores = {cluster::StoreSpec::local("c:", "${RELAYSYNC_DATA}/client43/c")};
            specs.push_back(rogue);
        };
        options.before_start = [](cluster::Cluster& cluster) {
            cluster.makeCertificates({"terminal:" + C43 + ":" + R4Account}, cluster.certsDir() / "rogue", "rogue-ca");
        };
        site_ = std::make_unique<E2eSite>(options);
        auto& cluster = site_->cluster();

        // The agent itself runs (its own files are consistent) but never gets connected.
        waitForLogLine(*site_, R4, 0, "refused the connection with 127\\.0\\.0\\.1:.*TLS handshake failed");
        CPPUNIT_ASSERT(cluster.running("client43"));
        CPPUNIT_ASSERT(site_->logSince("client43", 0).find("connected with relay-server4@net") == std::string::npos);

        // R4 checks the client's certificate itself: not signed by our CA.
        const auto offset = cluster.logText(R4).size();
        const auto rogue_dir = cluster.certsDir() / "rogue";
        std::optional<std::uint16_t> port;
        bool closed = true;
        try {
            auto peer = RawPeer::tls(site_->listenPort(R4), (rogue_dir / (C43 + ".pem")).string(),
                                     (rogue_dir / (C43 + ".key")).string());
            port = peer.localPort();
            peer.send(encodeFrame(FrameKind::hello, C43));
            closed = peer.closedWithin(5s);
        } catch (const Poco::Exception&) {
            // The handshake itself failed: refused as well.
        }
        CPPUNIT_ASSERT_MESSAGE("R4 kept a connection with a certificate from another CA", closed);
        waitForLogLine(*site_, R4, offset,
                       "refused the connection with 127\\.0\\.0\\.1:" + (port ? std::to_string(*port) : "") +
                           ".*certificate verify failed");

        // Nothing of it reached the relay's state, and R4 still answers.
        CPPUNIT_ASSERT(cluster.status(R4).groups.empty());
        CPPUNIT_ASSERT_EQUAL(R4, cluster.ask(R4, "ping")->getValue<std::string>("account"));
    }

    // A client with a valid certificate for client43 that says it is client41 is refused; the
    // same client saying who it is stays connected. R4 dialing "relay-server3@net" at an address
    // where relay-server2@net answers refuses that connection.
    void certificateOfAnotherAccountIsRefusedAndLogged() {
        E2eSite::Options options;
        options.extra_certificates = {"terminal:" + C43 + ":" + R4Account};
        options.adjust = [](std::vector<cluster::ProfileSpec>& specs) {
            auto* r4 = specNamed(specs, "relay4");
            const auto r2_port = portOf(*specNamed(specs, "relay2"));
            for (auto& [account, address] : r4->peers)
                if (account == R3) address = "127.0.0.1:" + r2_port;
            // R3 must not dial R4 itself: R4 does not dial a peer already connected to it, and
            // then would never meet the wrong certificate.
            auto& r3_peers = specNamed(specs, "relay3")->peers;
            std::erase_if(r3_peers, [](const auto& peer) { return peer.first == R4; });
        };
        site_ = std::make_unique<E2eSite>(options);
        auto& cluster = site_->cluster();
        waitForLogLine(*site_, R4, 0, "refused the connection with " + R3 + ".*its certificate is for " + R2);

        const auto certificate = (cluster.certsDir() / (C43 + ".pem")).string();
        const auto key = (cluster.certsDir() / (C43 + ".key")).string();
        const auto offset = cluster.logText(R4).size();
        auto liar = RawPeer::tls(site_->listenPort(R4), certificate, key);
        const auto hello = liar.readFrame(5s);
        CPPUNIT_ASSERT_MESSAGE("R4 sends its HELLO first", hello && hello->first == 1 && hello->second == R4);
        liar.send(encodeFrame(FrameKind::hello, C41));
        CPPUNIT_ASSERT_MESSAGE("R4 kept a connection whose HELLO is another account's", liar.closedWithin(5s));
        waitForLogLine(*site_, R4, offset, refusedFrom(liar, "certificate is for " + C43 + " but it says it is " + C41));

        auto honest = RawPeer::tls(site_->listenPort(R4), certificate, key);
        CPPUNIT_ASSERT(honest.readFrame(5s));
        honest.send(encodeFrame(FrameKind::hello, C43));
        CPPUNIT_ASSERT_MESSAGE("the same certificate with its own account is accepted", !honest.closedWithin(1s));
    }

    // "secret" in group 1 is shared by client11 (R1) with client21 (R2) only: client12 (R1's
    // other terminal), client22 (R2's other), client31 and R3 (no member there) get nothing,
    // not even after a synchronize, and cannot act on it.
    void nonMemberGetsNothingOfAShare() {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
        auto& cluster = site_->cluster();
        const auto secret = cluster.createShare(C11, site_->ids().group1, "secret", {C21});
        cluster.addResource(C11, secret, "plan", "c:/folderA/plan.txt");
        const auto one_entry = [](const cluster::ShareView& share) { return expectEntry(share, "plan", "ok"); };
        waitConverged(*site_, "secret is at client11, client21, R1 and R2 only", secret, one_entry);
        CPPUNIT_ASSERT((site_->scenario().holdersOf(secret) == std::vector<std::string>{C11, C21, R1, R2}));

        site_->writeEntity(C11, "c:/folderA/plan.txt", "Q4 sales plan, revised: confidential figures\n");
        const auto report = site_->scenario().synchronize(C21, secret);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        waitConverged(*site_, "the change of secret reached its members only", secret,
                      [](const cluster::ShareView& share) {
                          return share.entry("plan") && share.entry("plan")->version == 2 ? std::string()
                                                                                           : "plan not at version 2";
                      });
        for (const auto& outsider : {C12, C22, C31, C32, C41, C42, R3, R4}) {
            const auto status = cluster.status(outsider);
            CPPUNIT_ASSERT_MESSAGE(outsider + " holds secret", !status.share(secret) && !status.shareNamed("secret"));
        }
        // A non-member can neither synchronize it nor add to it.
        const auto refusal = [&](const std::function<void()>& command) {
            try {
                command();
            } catch (const cluster::CommandRefused& e) {
                return std::string(e.what());
            }
            return std::string("(accepted)");
        };
        const auto sync_refused = refusal([&] { cluster.startSync(C12, secret); });
        // It does not even hold it: to it the share is unknown.
        CPPUNIT_ASSERT_MESSAGE(sync_refused, sync_refused.find("unknown share '" + secret + "'") != std::string::npos);
        site_->writeEntity(C22, "c:/mine.txt", "an entity that exists\n");
        const auto add_refused = refusal([&] { cluster.addResource(C22, secret, "mine", "c:/mine.txt"); });
        CPPUNIT_ASSERT_MESSAGE(add_refused, add_refused.find("unknown share '" + secret + "'") != std::string::npos);
        CPPUNIT_ASSERT(!cluster.status(C22).share(secret));
    }

    // Plain-TCP garbage (an HTTP request, random bytes, silence), then over TLS with a valid
    // certificate an oversized frame, an unknown frame type, a MESSAGE before HELLO and an
    // undecodable payload: each closes (or is dropped on) that connection only. R1 keeps its
    // connections with R2, R3 and its terminals, and a synchronize works afterwards.
    void garbageAndOversizedFramesCloseOnlyThatConnection() {
        E2eSite::Options options;
        options.extra_certificates = {"terminal:" + C13 + ":" + R1Account};
        site_ = std::make_unique<E2eSite>(options);
        site_->formGroupsAndShare();
        auto& cluster = site_->cluster();
        const auto port = site_->listenPort(R1);
        const auto offset = cluster.logText(R1).size();

        auto http = RawPeer::plain(port);
        http.send("GET / HTTP/1.1\r\nHost: relay1\r\n\r\n");
        CPPUNIT_ASSERT_MESSAGE("an HTTP request is not closed", http.closedWithin(5s));

        std::mt19937 random(4711);
        std::string noise(64 * 1024, '\0');
        for (auto& byte : noise) byte = static_cast<char>(random() & 0xff);
        auto garbage = RawPeer::plain(port);
        garbage.send(noise);
        CPPUNIT_ASSERT_MESSAGE("random bytes are not closed", garbage.closedWithin(5s));

        auto silent = RawPeer::plain(port);
        CPPUNIT_ASSERT_MESSAGE("a connection that never starts TLS is kept", silent.closedWithin(15s));

        const auto certificate = (cluster.certsDir() / (C13 + ".pem")).string();
        const auto key = (cluster.certsDir() / (C13 + ".key")).string();
        const auto greeted = [&] {
            auto peer = RawPeer::tls(port, certificate, key);
            CPPUNIT_ASSERT(peer.readFrame(5s));
            peer.send(encodeFrame(FrameKind::hello, C13));
            return peer;
        };
        auto oversized = greeted();
        oversized.send(frameHeader(0x7fffffff, FrameKind::message) + std::string(1024, 'x'));
        CPPUNIT_ASSERT_MESSAGE("an oversized frame is not closed", oversized.closedWithin(5s));
        waitForLogLine(*site_, R1, offset, refusedFrom(oversized, "exceeds max_frame_bytes"));

        auto unknown_type = greeted();
        unknown_type.send(encodeFrame(99, "what is this"));
        CPPUNIT_ASSERT_MESSAGE("an unknown frame type is not closed", unknown_type.closedWithin(5s));
        waitForLogLine(*site_, R1, offset, refusedFrom(unknown_type, "protocol violation: unknown frame type"));

        auto early = RawPeer::tls(port, certificate, key);
        early.send(encodeFrame(FrameKind::message, std::string(8, '\0') + "{}"));
        CPPUNIT_ASSERT_MESSAGE("a MESSAGE before HELLO is not closed", early.closedWithin(5s));
        waitForLogLine(*site_, R1, offset, refusedFrom(early, "protocol violation"));

        // A well-formed frame whose payload is no relaysync message: dropped by the engine; the
        // connection may stay, the relay must not suffer.
        auto nonsense = greeted();
        nonsense.send(encodeFrame(FrameKind::message, std::string(7, '\0') + "\x01" + "this is not JSON"));
        nonsense.closedWithin(1s);
        waitForLogLine(*site_, R1, offset, "dropped a message from " + C13 + ".*not valid JSON");

        waitForLogLine(*site_, R1, offset, refusedFrom(http, "TLS handshake failed"));
        waitForLogLine(*site_, R1, offset, refusedFrom(garbage, "TLS handshake failed"));
        waitForLogLine(*site_, R1, offset, refusedFrom(silent, "no TLS handshake within connect_timeout_ms"));

        // R1 still serves: no established connection of its own was closed, a synchronize works.
        CPPUNIT_ASSERT_EQUAL(R1, cluster.ask(R1, "ping")->getValue<std::string>("account"));
        const auto budget_size = site_->scenario().changeEntities();
        const auto report = site_->scenario().synchronize(C11, site_->ids().workspace1);
        CPPUNIT_ASSERT_MESSAGE(joined(report.unreachable_nodes), report.unreachable_nodes.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        waitConverged(*site_, "the synchronize after the attacks reached everyone", site_->ids().workspace1,
                      site_->scenario().afterChange(budget_size));
        std::istringstream lines(site_->logSince(R1, offset));
        for (std::string line; std::getline(lines, line);)
            for (const auto& account : {R2, R3, R4, C11, C12})
                CPPUNIT_ASSERT_MESSAGE(line, line.find("connection with " + account) == std::string::npos);
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SecurityTest);

}  // namespace relaysync::e2e
