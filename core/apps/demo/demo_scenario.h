#pragma once
// The four-site example of patent CN101471843A (docs/demo.md), step by step: relay groups
// (Fig. 10), resource-shareable terminals (Fig. 11), shares and resources (Fig. 12), then one
// synchronize instruction that finds a changed and a deleted file (Fig. 13-16, Fig. 9).

#include <ostream>

#include "demo_world.h"

namespace relaysync::demo {

struct ScenarioOptions {
    bool json = false;   // also print every node's final state as one JSON document
    bool trace = false;  // list the messages of every step, not only the synchronize's
};

// Runs the scenario on a freshly built world, printing what happens to `out`. Throws on any
// failure: a refused command (core::CommandError), a file that cannot be written, or nodes
// whose shared resource information does not agree after the synchronize.
void runFourSiteScenario(DemoWorld& world, std::ostream& out, const ScenarioOptions& options);

}  // namespace relaysync::demo
