// A running relay daemon's /metrics endpoint (docs/metrics.md): the page is there, and the
// counter of the messages a command makes the relay send grows after the command.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include "ports/loopback_ports.h"
#include "cluster/wait.h"
#include "e2e_site.h"

namespace relaysync::e2e {

using cluster::four_site::R1;
using cluster::four_site::R2;

class MetricsEndpointTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MetricsEndpointTest);
    CPPUNIT_TEST(messageCounterGrowsAfterACommand);
    CPPUNIT_TEST_SUITE_END();

public:
    void messageCounterGrowsAfterACommand() {
        const auto port = ports::reserveLoopbackPort();
        E2eSite::Options options;
        // Written after the site's profiles, before any node starts: relay1 serves its metrics.
        options.before_start = [port](cluster::Cluster& cluster) {
            std::ofstream(cluster.node(R1).profile_path, std::ios::app)
                << "metrics: {listen: \"127.0.0.1:" << port << "\"}\n";
        };
        E2eSite site(options);

        const auto before = scrape(port);
        CPPUNIT_ASSERT_MESSAGE(before, before.find("relaysync_build_info{product=\"relaysync\"") != std::string::npos);
        const auto sent_before = sample(before, "relaysync_messages_sent_total{type=\"group-info\"}");
        const auto commands_before = sample(before, "relaysync_admin_commands_total{outcome=\"ok\"}");

        site.cluster().createGroup(R1, R2);

        std::string page;
        cluster::waitUntil("relay1's page counts the group-info it sent", 30s, [&] {
            page = scrape(port);
            return sample(page, "relaysync_messages_sent_total{type=\"group-info\"}") > sent_before
                       ? std::string()
                       : "group-info sent: " + std::to_string(sample(page, "relaysync_messages_sent_total{type=\"group-info\"}"));
        });
        CPPUNIT_ASSERT(sample(page, "relaysync_admin_commands_total{outcome=\"ok\"}") > commands_before);
        // R2 answers the invitation: relay1 receives it.
        cluster::waitUntil("relay1's page counts R2's answer", 30s, [&] {
            page = scrape(port);
            return sample(page, "relaysync_messages_received_total{type=\"answer\"}") +
                               sample(page, "relaysync_messages_received_total{type=\"update-group-info\"}") >
                           0
                       ? std::string()
                       : "nothing received yet";
        });
    }

private:
    // The page at 127.0.0.1:port/metrics; throws when it is not a 200.
    static std::string scrape(std::uint16_t port) {
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        session.setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/metrics", Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        auto& in = session.receiveResponse(response);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
            throw std::runtime_error("/metrics answered " + std::to_string(response.getStatus()));
        return body;
    }

    // The value of the sample written exactly as `series`; 0 when it is not on the page.
    static double sample(const std::string& page, const std::string& series) {
        const auto at = page.find("\n" + series + " ");
        if (at == std::string::npos) return 0;
        return std::stod(page.substr(at + series.size() + 2));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsEndpointTest);

}  // namespace relaysync::e2e
