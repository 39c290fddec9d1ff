#pragma once
// Helpers shared by the core unit suites: a throwaway database folder, assertions on text, and
// builders for protocol payloads and model values in the four-site example's names.

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include "model/relay_group.h"
#include "model/share.h"
#include "persistence/database.h"
#include "protocol/codec.h"
#include "protocol/message.h"

namespace relaysync::core::coretest {

// The example topology's accounts.
inline const std::string kRelay1 = "relay-server1@net";
inline const std::string kRelay2 = "relay-server2@net";
inline const std::string kClient11 = "client11@relay-server1.net";
inline const std::string kClient12 = "client12@relay-server1.net";
inline const std::string kClient21 = "client21@relay-server2.net";
inline const std::string kClient22 = "client22@relay-server2.net";
inline const std::string kRelay3 = "relay-server3@net";
inline const std::string kClient31 = "client31@relay-server3.net";
// A share id bound to its creator client11, as share ids are.
inline const std::string kS1 = "s1" + kClient11;

// A unique folder under the system temp folder for one test's SQLite files; removed with
// everything in it when the TempDir goes.
class TempDir {
public:
    TempDir() {
        static std::atomic<unsigned> counter{0};
        std::random_device random;
        const auto name = "relaysync-test-" + std::to_string(random()) + "-" + std::to_string(++counter);
        path_ = std::filesystem::temp_directory_path() / name;
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // "sqlite:<dir>/<name>"
    std::string url(const std::string& name = "node.db") const { return "sqlite:" + (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// Engine code logs refusals and drops on purpose; the suites keep the console quiet.
// The identity a transport proves for a test account: "relay-serverN@net" is a relay,
// "clientNM@relay-serverN.net" a terminal of relay-serverN@net.
inline sdk::PeerIdentity peer(const std::string& account) {
    const auto at = account.find('@');
    const auto domain = account.substr(at + 1);
    if (domain == "net") return {account, sdk::PeerRole::relay, {}};
    const auto dot = domain.rfind(".net");
    return {account, sdk::PeerRole::terminal, domain.substr(0, dot) + "@net"};
}

inline void quietLogs() {
    Poco::Logger::root().setLevel(Poco::Message::PRIO_FATAL);
    Poco::Logger::setLevel("relaysync", Poco::Message::PRIO_FATAL);
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

#define RS_ASSERT_CONTAINS(text, part)                                                                  \
    CPPUNIT_ASSERT_MESSAGE("expected \"" + std::string(part) + "\" in \"" + std::string(text) + "\"", \
                           ::relaysync::core::coretest::contains(text, part))

// The message of the exception of type E that `action` throws; fails the test if none is thrown.
template <class E, class Action>
std::string thrownMessage(Action&& action) {
    try {
        action();
    } catch (const E& e) {
        return e.what();
    }
    CPPUNIT_FAIL("expected an exception, none was thrown");
    return {};
}

inline std::string makePayload(MessageType type, const std::string& id, const std::string& from, const std::string& to,
                           Poco::JSON::Object::Ptr body = new Poco::JSON::Object) {
    Message message;
    message.type = type;
    message.id = id;
    message.from = from;
    message.to = to;
    message.body = std::move(body);
    return encode(message);
}

inline ShareableTerminal makeTerminal(const std::string& account, const std::string& relay, std::int64_t version,
                                  bool removed = false) {
    return {account, relay, account.substr(0, account.find('@')), "Sales", version, removed};
}

inline ResourceEntry makeEntry(const std::string& share_id, const std::string& name, const std::string& owner,
                           const std::string& location, std::int64_t version = 1, std::uint64_t size = 10,
                           std::int64_t modified_ms = 1000) {
    ResourceEntry result;
    result.share_id = share_id;
    result.name = name;
    result.owner = owner;
    result.location = location;
    result.details = {sdk::EntityKind::file, modified_ms, size, {}, {}};
    result.version = version;
    return result;
}

inline Share makeShare(const std::string& id, const std::vector<std::string>& members, std::int64_t version = 1,
                   const std::string& group_id = "0001@relay-server1") {
    return {id, group_id, "workspace1", members.empty() ? std::string{} : members.front(), members, version};
}

}  // namespace relaysync::core::coretest
