#include "common/four_site_world.h"
#include "ports/loopback_ports.h"

namespace relaysync::bench {

using namespace cluster;

FourSiteWorld::FourSiteWorld(const std::filesystem::path& dir, const ClusterTools& tools,
                             const FourSiteOptions& options) {
    const auto relay_ports = ports::reserveLoopbackPorts(4);
    auto specs = fourSiteProfiles({relay_ports[0], relay_ports[1], relay_ports[2], relay_ports[3]});
    if (options.adjust_profiles) options.adjust_profiles(specs);
    for (const auto& spec : specs) writeProfile(dir / "profiles", spec);
    cluster_ = std::make_unique<Cluster>(tools, dir / "data", dir / "data" / "certs");
    cluster_->addNodes(dir / "profiles");
    auto requests = cluster_->certificateRequests();
    requests.insert(requests.end(), options.extra_certificates.begin(), options.extra_certificates.end());
    cluster_->makeCertificates(requests);
    scenario_ = std::make_unique<four_site::Scenario>(*cluster_);
    scenario_->createEntities();
    if (options.before_start) options.before_start(*cluster_);
    cluster_->startAll();
    scenario_->formGroups();
    scenario_->admitTerminals();
    scenario_->shareResources();
}

FourSiteWorld::~FourSiteWorld() {
    scenario_.reset();
    cluster_.reset();
}

}  // namespace relaysync::bench
