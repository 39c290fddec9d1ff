// Trust over the real TLS transport: a program holding client12's valid certificate (a member
// of workspace1, at R1) talks to R1 as a hostile peer and tries everything a member must not
// do; a terminal of another site tries R1 at all. Every attempt is refused and logged with the
// sender, no node's state changes, and the next synchronize reports the true state.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include <Poco/Exception.h>

#include "cluster/wait.h"
#include "e2e_site.h"
#include "engine/sync_messages.h"
#include "protocol/bodies.h"
#include "protocol/codec.h"
#include "raw_peer.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

namespace {

// What every node holds: its groups and shares (not its traffic or sync history).
struct Snapshot {
    std::map<std::string, std::vector<cluster::GroupView>> groups;
    std::map<std::string, std::vector<cluster::ShareView>> shares;
    bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(cluster::Cluster& cluster) {
    Snapshot taken;
    for (const auto& account : cluster.accounts()) {
        const auto status = cluster.status(account);
        taken.groups[account] = status.groups;
        taken.shares[account] = status.shares;
    }
    return taken;
}

std::string frameBytes(std::uint64_t seq, const std::string& payload) {
    std::string body;
    for (int shift = 56; shift >= 0; shift -= 8) body.push_back(static_cast<char>((seq >> shift) & 0xff));
    return encodeFrame(FrameKind::message, body + payload);
}

// A hostile program with a terminal's valid certificate, speaking the direct transport's
// frames and the relaysync protocol by hand.
class HostilePeer {
public:
    HostilePeer(std::uint16_t port, const std::string& account, const fs::path& certs)
        : account_(account),
          peer_(RawPeer::tls(port, (certs / (account + ".pem")).string(), (certs / (account + ".key")).string())) {
        const auto hello = peer_.readFrame(5s);
        CPPUNIT_ASSERT_MESSAGE("the relay greets first", hello && hello->first == 1);
        relay_ = hello->second;
        peer_.send(encodeFrame(FrameKind::hello, account));
    }

    // Sends one message as `account` with id "<account>#<n>"; waits for the transport's ACK.
    void send(core::MessageType type, std::int64_t n, Poco::JSON::Object::Ptr body) {
        core::Message message;
        message.type = type;
        message.id = idOf(n);
        message.from = account_;
        message.to = relay_;
        message.body = std::move(body);
        sendPayload(core::encode(message));
    }

    void sendPayload(const std::string& payload) {
        const auto seq = ++seq_;
        CPPUNIT_ASSERT(peer_.send(frameBytes(seq, payload)));
        // Frames the relay sends meanwhile (its answers) are read past until the ACK.
        for (;;) {
            const auto frame = peer_.readFrame(10s);
            CPPUNIT_ASSERT_MESSAGE("the relay acknowledges what it took", frame.has_value());
            if (frame->first == static_cast<std::uint8_t>(FrameKind::ack)) return;
            if (frame->first == static_cast<std::uint8_t>(FrameKind::message)) {
                // Acknowledge the relay's messages, as a terminal does, so that they do not pile up.
                peer_.send(encodeFrame(FrameKind::ack, frame->second.substr(0, 8)));
                payloads_.push_back(frame->second.substr(8));
            }
        }
    }

    std::string idOf(std::int64_t n) const { return account_ + "#" + std::to_string(n); }
    const std::vector<std::string>& received() const { return payloads_; }

private:
    std::string account_, relay_;
    RawPeer peer_;
    std::uint64_t seq_ = 0;
    std::vector<std::string> payloads_;
};

Poco::JSON::Object::Ptr object(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    for (const auto& [key, value] : fields) body->set(key, value);
    return body;
}

Poco::JSON::Object::Ptr entriesBody(const std::string& share_id, const core::ResourceEntry& entry) {
    return object({{"share_id", share_id}, {"entries", core::toJson(std::vector<core::ResourceEntry>{entry})}});
}

Poco::JSON::Object::Ptr shareBody(const core::Share& share) { return object({{"share", core::toJson(share)}}); }

Poco::JSON::Object::Ptr groupBody(const std::string& id, const std::vector<std::string>& relays) {
    core::RelayGroup group;
    group.id = id;
    for (const auto& relay : relays) group.relays.push_back({relay, "hostile"});
    return object({{"group", core::toJson(group)}});
}

// `text` as a regular expression that matches only itself.
std::string literal(const std::string& text) { return std::regex_replace(text, std::regex(R"([.+*?()\[\]{}|^$\\])"), "\\$&"); }

std::size_t countLines(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
    return count;
}

}  // namespace

class TrustTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TrustTest);
    CPPUNIT_TEST(aMemberTerminalCannotDoWhatItDoesNotOwn);
    CPPUNIT_TEST(aTerminalOfAnotherSiteIsRefusedAtTheHandshake);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override { site_.reset(); }

    void aMemberTerminalCannotDoWhatItDoesNotOwn() {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
        auto& cluster = site_->cluster();
        const auto& ids = site_->ids();
        const auto before = snapshot(cluster);
        const auto& r1_shares = before.shares.at(R1);
        const auto workspace1 = std::find_if(r1_shares.begin(), r1_shares.end(),
                                             [&](const cluster::ShareView& share) { return share.id == ids.workspace1; });
        CPPUNIT_ASSERT(workspace1 != r1_shares.end());
        const auto* folder_a = workspace1->entry("folderA");
        CPPUNIT_ASSERT(folder_a && folder_a->owner == C11);
        const auto offset = cluster.logText(R1).size();

        // Its own scope: while it is connected it is one of client12's connections, and R1 may
        // deliver client12's messages on it (one connection per account is issue 7's limit).
        {
            HostilePeer hostile(site_->listenPort(R1), C12, cluster.certsDir());
            using core::MessageType;
            std::int64_t n = 900000;
            const auto refused = [&](MessageType type, Poco::JSON::Object::Ptr body, const std::string& why) {
                hostile.send(type, ++n, std::move(body));
                waitForLogLine(*site_, R1, offset,
                               "refused " + std::string(core::wireName(type)) + " " + literal(hostile.idOf(n)) + " from " +
                                   literal(C12) + ": .*" + why);
            };
            // Act as a relay of the group, or of a new one; admit a made-up terminal.
            refused(MessageType::group_info, groupBody(ids.group1, {R1, R2, R3, C12}), "only a relay may send group-info");
            refused(MessageType::group_info, groupBody("0099@client12", {R1, C12}), "only a relay may send group-info");
            refused(MessageType::add_group_info,
                    object({{"group_id", ids.group1},
                            {"terminal", core::toJson(core::ShareableTerminal{"client19@relay-server1.net", R1, "ghost", "",
                                                                              1, false})}}),
                    "only a relay may send add-group-info");
            // Change, take over, or tombstone client11's entry.
            core::ResourceEntry entry;
            entry.share_id = ids.workspace1;
            entry.name = "folderA";
            entry.owner = C11;
            entry.location = "c:/elsewhere";
            entry.details.size = 1;
            entry.version = 99;
            refused(MessageType::update_resource_info, entriesBody(ids.workspace1, entry), "cannot change entry 'folderA'");
            entry.removed = true;
            refused(MessageType::delete_resource_info, entriesBody(ids.workspace1, entry), "cannot change entry 'folderA'");
            entry.removed = false;
            entry.owner = C12;
            refused(MessageType::update_resource_info, entriesBody(ids.workspace1, entry), "'folderA' is already shared by");
            // Redefine workspace1, as itself or in client11's name.
            core::Share stolen{ids.workspace1, ids.group1, "mine now", C12, {C12}, 99};
            refused(MessageType::create_shared_resource, shareBody(stolen), "not bound to its creator");
            stolen.creator = C11;
            stolen.members = {C11, C12};
            refused(MessageType::create_shared_resource, shareBody(stolen), "can only be defined by its creator");
            // Speak into client11's synchronize.
            const auto sync_offset = cluster.logText(R1).size();
            hostile.send(MessageType::synchronize_instruction, ++n,
                         core::SyncRequest(C11 + "/sync-1", ids.workspace1, {}).toBody());
            waitForLogLine(*site_, R1, sync_offset, "problem: sync id " + C11 + "/sync-1 is not");
            // Replay: the same message again is a duplicate, dropped without a second refusal.
            const auto replay_offset = cluster.logText(R1).size();
            hostile.send(MessageType::create_shared_resource, n - 1, shareBody(stolen));
            hostile.send(MessageType::update_resource_info, ++n, entriesBody(ids.workspace1, entry));  // a fresh one after it
            waitForLogLine(*site_, R1, replay_offset, "refused update-resource-info .*#" + std::to_string(n));
            CPPUNIT_ASSERT_EQUAL(std::size_t{0}, countLines(site_->logSince(R1, replay_offset), "#" + std::to_string(n - 2)));
        }

        // Nothing changed anywhere, and a synchronize finds the files as they are.
        CPPUNIT_ASSERT_MESSAGE("a node's groups or shares changed", before == snapshot(cluster));
        const auto report = site_->scenario().synchronize(C21, ids.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, report.changed + report.gone + report.recovered + report.unreachable);
        // workspace1's 6 entries (projects' file100.pdf is checked too, but not reported to client21).
        CPPUNIT_ASSERT_EQUAL(std::int64_t{6}, report.checked);
        CPPUNIT_ASSERT(report.problems.empty());
        CPPUNIT_ASSERT_MESSAGE("the synchronize changed a node's state", before == snapshot(cluster));
    }

    // client21's certificate is valid, but it belongs to R2: R1 refuses it before any message.
    void aTerminalOfAnotherSiteIsRefusedAtTheHandshake() {
        site_ = std::make_unique<E2eSite>();
        auto& cluster = site_->cluster();
        const auto offset = cluster.logText(R1).size();
        bool closed = true;
        try {
            auto peer = RawPeer::tls(site_->listenPort(R1), (cluster.certsDir() / (C21 + ".pem")).string(),
                                     (cluster.certsDir() / (C21 + ".key")).string());
            peer.send(encodeFrame(FrameKind::hello, C21));
            closed = peer.closedWithin(5s);
        } catch (const Poco::Exception&) {
            // refused during the handshake
        }
        CPPUNIT_ASSERT(closed);
        waitForLogLine(*site_, R1, offset, "refused the connection .*client21@relay-server2\\.net is a terminal of relay-server2@net, not of this relay");
        CPPUNIT_ASSERT_EQUAL(R1, cluster.ask(R1, "ping")->getValue<std::string>("account"));
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(TrustTest);

}  // namespace relaysync::e2e
