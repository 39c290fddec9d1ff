#pragma once
// A relay profile for tests that need one real relay daemon and no peers: relay-server1@net on
// the direct transport in plaintext (no certificates), on a port that was free, logging to
// <dir>/<name>.log.

#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cluster/cluster.h"

namespace relaysync::e2e {

// Writes <dir>/<name>.yaml and returns its path. An empty `admin_socket` leaves the default
// (next to the database).
std::filesystem::path writePlainRelayProfile(const std::filesystem::path& dir, const std::string& name,
                                             const std::filesystem::path& plugin_dir,
                                             const std::filesystem::path& database,
                                             const std::string& admin_socket = {});

// A fixture with that one relay running ("relay"), in a temporary folder named after `prefix`;
// stopped by pid and removed after each test.
class PlainRelayFixture : public CppUnit::TestFixture {
public:
    explicit PlainRelayFixture(std::string prefix) : prefix_(std::move(prefix)) {}

    void setUp() override {
        const auto tools = cluster::ClusterTools::fromBuildTree();
        dir_ = std::filesystem::temp_directory_path() / (prefix_ + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        cluster_ = std::make_unique<cluster::Cluster>(tools, dir_, dir_ / "certs");
        cluster_->addNode(writePlainRelayProfile(dir_, "relay", tools.plugin_dir, dir_ / "relay.db"));
        cluster_->start("relay");
    }

    void tearDown() override {
        cluster_.reset();  // stops the relay by pid
        std::filesystem::remove_all(dir_);
    }

protected:
    // Runs relaysync-admin at the relay, expecting success; returns what it printed.
    std::string succeeds(const std::vector<std::string>& args) {
        const auto result = cluster_->adminCli("relay", args);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(args.front() + ": " + result.err, 0, result.exit_code);
        return result.out;
    }

    std::filesystem::path dir_;
    std::unique_ptr<cluster::Cluster> cluster_;

private:
    std::string prefix_;
};

}  // namespace relaysync::e2e
