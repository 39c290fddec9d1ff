#pragma once
// The four-site topology of docs/demo.md (Tokyo, Osaka, Nagoya, Fukuoka; relays R1..R4 and
// terminals 11..42) as real engines with SQLite files, over the in-process network. Stores
// are in memory so that tests set times and sizes exactly; the file servers at Tokyo and
// Nagoya are one store each, mounted at "network/z:" by both terminals of the site.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "memory_store.h"
#include "runtime/in_process_network.h"
#include "runtime/node.h"

namespace relaysync::test {

struct SiteOptions {
    core::GoneEntityMode gone_entity = core::GoneEntityMode::remove;
    std::size_t max_removals = 100;
};

class FourSites {
public:
    static const std::vector<std::string>& relayNames();     // R1..R4
    static const std::vector<std::string>& terminalNames();  // client11..client42
    static std::vector<std::string> allNames();
    // "R1" -> "relay-server1@net", "client31" -> "client31@relay-server3.net".
    static std::string account(const std::string& name);
    // The short name back from an account.
    static std::string shortName(const std::string& account);
    // What a transport proves of that node: relays are relays, terminals belong to their site's.
    static sdk::PeerIdentity identity(const std::string& name);

    explicit FourSites(SiteOptions options = {});
    ~FourSites();

    core::Node& node(const std::string& name);
    MemoryStore& disk(const std::string& terminal);        // its "c:" store
    MemoryStore& fileServer(const std::string& terminal);  // its site's "network/z:" store
    core::InProcessNetwork& network() { return network_; }

    // Delivers messages until none are left.
    void settle();
    // Stops a node and builds it again from its SQLite file (a crash and restart).
    void restart(const std::string& name);
    // Stops a node, deletes its SQLite file and builds it on an empty one (a lost database).
    void recreate(const std::string& name);

    // Everything a node has stored about groups and shares, as canonical text.
    std::string dump(const std::string& name);

private:
    void build(const std::string& name);

    SiteOptions options_;
    std::filesystem::path directory_;
    core::InProcessNetwork network_;
    std::map<std::string, std::shared_ptr<MemoryStore>> disks_;
    std::map<std::string, std::shared_ptr<MemoryStore>> file_servers_;
    std::map<std::string, std::unique_ptr<core::Node>> nodes_;
};

}  // namespace relaysync::test
