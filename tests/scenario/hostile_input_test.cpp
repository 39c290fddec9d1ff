// Input from the network never crashes a node: every real message of the example, mangled
// thousands of ways (bytes flipped, cut short, fields retyped or dropped), is fed to its
// receiver as if its authenticated sender had sent it. Afterwards the sites still synchronize.
#include <cppunit/extensions/HelperMacros.h>

#include <random>

#include <Poco/JSON/Parser.h>

#include "scenario_steps.h"

namespace relaysync::test {

namespace {

// The same message under a new id of its sender's, so that the receiver handles it afresh.
std::string withFreshId(const std::string& payload, std::size_t n) {
    Poco::JSON::Parser parser;
    auto envelope = parser.parse(payload).extract<Poco::JSON::Object::Ptr>();
    envelope->set("id", envelope->getValue<std::string>("from") + "#fuzz." + std::to_string(n));
    std::ostringstream out;
    envelope->stringify(out);
    return out.str();
}

// One way of spoiling a payload, chosen at random.
std::string mangle(const std::string& payload, std::mt19937& random) {
    std::uniform_int_distribution<std::size_t> position(0, payload.empty() ? 0 : payload.size() - 1);
    std::string spoiled = payload;
    switch (random() % 6) {
    case 0:  // flip a few bytes
        for (int i = 0; i < 3; ++i) spoiled[position(random)] = static_cast<char>(random() % 256);
        return spoiled;
    case 1:  // cut it short
        return spoiled.substr(0, position(random));
    case 2:  // a digit becomes something else, so numbers go wrong or negative
        for (auto& c : spoiled)
            if (c >= '0' && c <= '9' && random() % 4 == 0) c = "-9x\""[random() % 4];
        return spoiled;
    default: {  // retype or drop a field of the body, keeping valid JSON
        Poco::JSON::Parser parser;
        auto envelope = parser.parse(payload).extract<Poco::JSON::Object::Ptr>();
        auto body = envelope->getObject("body");
        const auto names = body->getNames();
        if (names.empty()) return spoiled;
        const auto& name = names[random() % names.size()];
        switch (random() % 4) {
        case 0: body->remove(name); break;
        case 1: body->set(name, 12345); break;
        case 2: body->set(name, std::string(100'000, 'x')); break;
        default: body->set(name, Poco::JSON::Object::Ptr(new Poco::JSON::Object)); break;
        }
        std::ostringstream out;
        envelope->stringify(out);
        return out.str();
    }
    }
}

}  // namespace

class HostileInputTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HostileInputTest);
    CPPUNIT_TEST(mangledMessagesNeitherCrashNorStopTheSites);
    CPPUNIT_TEST_SUITE_END();

public:
    void mangledMessagesNeitherCrashNorStopTheSites() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        sites.disk("client21").putFile("budget.xls", 4'096, 9'000);
        synchronize(sites, "client11", shares.workspace1);
        const auto genuine = sites.network().carried();
        CPPUNIT_ASSERT(genuine.size() > 100);

        std::mt19937 random(20071001);
        std::size_t fed = 0;
        for (int round = 0; round < 4; ++round) {
            for (const auto& delivery : genuine) {
                const auto spoiled = mangle(withFreshId(delivery.payload, fed), random);
                // As if the authenticated sender had sent it: the hardest case for the receiver.
                CPPUNIT_ASSERT_NO_THROW(sites.node(FourSites::shortName(delivery.to)).onMessage(FourSites::identity(FourSites::shortName(delivery.from)), spoiled));
                ++fed;
            }
            sites.settle();
        }
        CPPUNIT_ASSERT(fed > 500);

        // Still working: a change made now reaches every member.
        sites.disk("client12").putFile("folderB/after.doc", 7, 20'000);
        const auto report = synchronize(sites, "client11", shares.workspace1);
        CPPUNIT_ASSERT(report.checked > 0);
        for (const auto& node : {"R1", "R2", "R3", "client21", "client22", "client31"})
            CPPUNIT_ASSERT_MESSAGE(node, entryAt(sites, node, shares.workspace1, "folderB")->details.modified_ms == 20'000);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostileInputTest);

}  // namespace relaysync::test
