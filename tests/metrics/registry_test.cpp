// The registry's page: HELP and TYPE once per family, samples with escaped label values,
// histogram buckets, collectors, and refusal of bad names; NodeMetrics' families are all in
// docs/metrics.md.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "metrics/node_metrics.h"
#include "metrics/registry.h"

namespace relaysync::metrics::test {

class RegistryTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RegistryTest);
    CPPUNIT_TEST(counterFamilyHasHelpTypeAndSamples);
    CPPUNIT_TEST(labelValuesAreEscaped);
    CPPUNIT_TEST(helpIsEscaped);
    CPPUNIT_TEST(valuesAreFormattedForPrometheus);
    CPPUNIT_TEST(histogramWritesCumulativeBuckets);
    CPPUNIT_TEST(badNamesAndMismatchesAreRefused);
    CPPUNIT_TEST(collectorsAddFamiliesAndFailAlone);
    CPPUNIT_TEST(nodeMetricsAreDocumented);
    CPPUNIT_TEST_SUITE_END();

public:
    void counterFamilyHasHelpTypeAndSamples() {
        Registry registry;
        auto& received = registry.counter("relaysync_messages_received_total", "Messages taken in.", {"type"});
        received.with({"answer"}).add();
        received.with({"answer"}).add(2);
        received.with({"group-info"}).add();
        const auto page = registry.render();
        CPPUNIT_ASSERT_EQUAL(std::string("# HELP relaysync_messages_received_total Messages taken in.\n"
                                         "# TYPE relaysync_messages_received_total counter\n"
                                         "relaysync_messages_received_total{type=\"answer\"} 3\n"
                                         "relaysync_messages_received_total{type=\"group-info\"} 1\n"),
                             page);
        CPPUNIT_ASSERT_MESSAGE("the same family again", &received == &registry.counter("relaysync_messages_received_total",
                                                                                       "Messages taken in.", {"type"}));
    }

    void labelValuesAreEscaped() {
        CPPUNIT_ASSERT_EQUAL(std::string("a\\\\b\\\"c\\nd"), escapeLabelValue("a\\b\"c\nd"));
        CPPUNIT_ASSERT_EQUAL(std::string("caf\xC3\xA9"), escapeLabelValue("caf\xC3\xA9"));
        CPPUNIT_ASSERT_EQUAL(std::string("x\xEF\xBF\xBDy"), escapeLabelValue("x\xFFy"));
        CPPUNIT_ASSERT_EQUAL(std::string("\xEF\xBF\xBD"), escapeLabelValue("\xC3"));  // cut short
        Registry registry;
        registry.gauge("relaysync_outbox_messages", "Waiting.", {"destination"}).with({"evil\"} 1\nx"}).set(2);
        const auto page = registry.render();
        CPPUNIT_ASSERT_MESSAGE(page, page.find("relaysync_outbox_messages{destination=\"evil\\\"} 1\\nx\"} 2\n") !=
                                         std::string::npos);
    }

    void helpIsEscaped() {
        CPPUNIT_ASSERT_EQUAL(std::string("two\\nlines \\\\ \"quoted\""), escapeHelp("two\nlines \\ \"quoted\""));
    }

    void valuesAreFormattedForPrometheus() {
        CPPUNIT_ASSERT_EQUAL(std::string("0"), formatValue(0));
        CPPUNIT_ASSERT_EQUAL(std::string("1700000000"), formatValue(1700000000.0));
        CPPUNIT_ASSERT_EQUAL(std::string("0.25"), formatValue(0.25));
        CPPUNIT_ASSERT_EQUAL(std::string("+Inf"), formatValue(1.0 / 0.0));
        CPPUNIT_ASSERT_EQUAL(std::string("-Inf"), formatValue(-1.0 / 0.0));
        CPPUNIT_ASSERT_EQUAL(std::string("NaN"), formatValue(0.0 / 0.0));
    }

    void histogramWritesCumulativeBuckets() {
        Registry registry;
        auto& duration = registry.histogram("relaysync_x_seconds", "X.", {0.5, 1}, {"origin"}).with({"local"});
        duration.observe(0.25);
        duration.observe(0.5);
        duration.observe(0.75);
        duration.observe(3);
        CPPUNIT_ASSERT_EQUAL(std::string("# HELP relaysync_x_seconds X.\n"
                                         "# TYPE relaysync_x_seconds histogram\n"
                                         "relaysync_x_seconds_bucket{origin=\"local\",le=\"0.5\"} 2\n"
                                         "relaysync_x_seconds_bucket{origin=\"local\",le=\"1\"} 3\n"
                                         "relaysync_x_seconds_bucket{origin=\"local\",le=\"+Inf\"} 4\n"
                                         "relaysync_x_seconds_sum{origin=\"local\"} 4.5\n"
                                         "relaysync_x_seconds_count{origin=\"local\"} 4\n"),
                             registry.render());
    }

    void badNamesAndMismatchesAreRefused() {
        Registry registry;
        CPPUNIT_ASSERT_THROW(registry.counter("2bad", "x"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(registry.counter("bad-name", "x"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(registry.counter("relaysync_ok_total", "x", {"bad-label"}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(registry.counter("relaysync_ok_total", "x", {"__reserved"}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(registry.histogram("relaysync_h", "x", {1}, {"le"}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(registry.histogram("relaysync_h", "x", {2, 1}), std::invalid_argument);
        auto& family = registry.counter("relaysync_ok_total", "x", {"kind"});
        CPPUNIT_ASSERT_THROW(family.with({}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(registry.gauge("relaysync_ok_total", "x", {"kind"}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(registry.counter("relaysync_ok_total", "x", {"other"}), std::invalid_argument);
    }

    void collectorsAddFamiliesAndFailAlone() {
        Registry registry;
        registry.counter("relaysync_a_total", "A.").with({}).add();
        registry.addCollector([](ExpositionWriter& out) {
            out.family("relaysync_b", "B.", MetricType::gauge);
            out.sample("relaysync_b", {}, 7);
        });
        registry.addCollector([](ExpositionWriter& out) {
            out.family("relaysync_c", "C.", MetricType::gauge);
            throw std::runtime_error("the database is gone");
        });
        const auto first = registry.render();
        CPPUNIT_ASSERT_MESSAGE(first, first.find("relaysync_a_total 1\n") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(first, first.find("relaysync_b 7\n") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE("a failed collector leaves nothing", first.find("relaysync_c") == std::string::npos);
        const auto second = registry.render();
        CPPUNIT_ASSERT_MESSAGE(second, second.find("relaysync_metrics_collector_failures_total 1\n") != std::string::npos);
    }

    // Every family a node shows is explained in docs/metrics.md.
    void nodeMetricsAreDocumented() {
        NodeMetrics node;
        std::ifstream doc(std::string(RELAYSYNC_SOURCE_DIR) + "/docs/metrics.md");
        CPPUNIT_ASSERT_MESSAGE("docs/metrics.md", doc.good());
        const std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
        std::istringstream page(node.registry().render());
        std::size_t families = 0;
        for (std::string line; std::getline(page, line);) {
            if (line.rfind("# TYPE ", 0) != 0) continue;
            const auto name = line.substr(7, line.find(' ', 7) - 7);
            ++families;
            CPPUNIT_ASSERT_MESSAGE(name + " is not in docs/metrics.md", text.find("`" + name + "`") != std::string::npos);
        }
        CPPUNIT_ASSERT(families >= 15);
        for (const char* scraped : {"relaysync_outbox_messages", "relaysync_entries", "relaysync_deferred_messages",
                                    "relaysync_dead_letters", "relaysync_build_info",
                                    "relaysync_process_start_time_seconds"})
            CPPUNIT_ASSERT_MESSAGE(scraped, text.find("`" + std::string(scraped) + "`") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RegistryTest);

}  // namespace relaysync::metrics::test
