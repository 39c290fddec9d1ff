#pragma once
// Helpers shared by the abuse suites: a relay with chosen limits, a legitimate peer that must get
// through, what the relay says about its limits when it stops, and greeted raw clients.

#include <iostream>
#include <string>
#include <utility>

#include "attack_sockets.h"
#include "direct_fixture.h"
#include "raw_client.h"

namespace relaysync::tests {

class AbuseFixture : public DirectFixture {
protected:
    // TLS settings for `account` with `limits` on top.
    static sdk::PluginConfig limitedConfig(const std::string& account, const sdk::PluginConfig& limits) {
        auto config = tlsConfig(account);
        for (const auto& [key, value] : limits) config[key] = value;
        return config;
    }

    // relay-a starts, dials `relay` (relay-b@net at `port`) and delivers one message; the time
    // from its start to the acknowledged delivery.
    milliseconds legitimatePeerDelivers(Node& relay, const std::string& payload) {
        const auto started = Clock::now();
        Node& peer = startNode("relay-a@net", tlsConfig("relay-a@net"), 0, {peerAt("relay-b@net", relay.port)});
        sdk::Status status = sdk::Status::unreachable("not tried");
        // send() dials when needed and waits up to connect_timeout_ms; core's outbox retries.
        eventually([&] { return (status = peer.transport->send("relay-b@net", payload)).isOk(); }, kWait);
        ASSERT_STATUS(sdk::StatusCode::ok, status);
        CPPUNIT_ASSERT(eventually(
            [&] {
                for (const auto& message : relay.listener->messages())
                    if (message.payload == payload && message.from == "relay-a@net") return true;
                return false;
            },
            kWait));
        return std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    }

    // Stops `node` and returns the line its transport logs when it stops, with its peaks.
    std::string stopAndReadPeaks(Node& node) {
        node.transport.reset();
        const auto lines = log->linesWith({"direct transport for " + node.account + " stopped"});
        CPPUNIT_ASSERT_MESSAGE("no line with the peaks; the log:\n" + log->text(), !lines.empty());
        return lines.back();
    }

    // A TLS client as `account` that has sent HELLO and been taken: the log says it is connected.
    RawClient greeted(const std::string& account, std::uint16_t port) {
        auto client = RawClient::tls(port, certs().certificate(account), certs().key(account));
        client.send(wireFrame(WireType::hello, account));
        ASSERT_LOGGED(Poco::Message::PRIO_INFORMATION,
                      "connected with " + account + " from 127.0.0.1:" + std::to_string(client.localPort()));
        return client;
    }

    // Waits until this process holds at most `bound` descriptors; how many it holds then.
    static std::size_t descriptorsSettleAtMost(std::size_t bound) {
        eventually([&] { return openDescriptorCount() <= bound; }, kWait);
        return openDescriptorCount();
    }
};

}  // namespace relaysync::tests
