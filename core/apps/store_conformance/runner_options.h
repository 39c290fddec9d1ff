#pragma once
// The command line of relaysync-store-conformance.

#include <optional>
#include <string>
#include <vector>

namespace relaysync::core {

struct RunnerOptions {
    std::string profile;                 // --profile
    std::optional<std::string> store;    // --store PREFIX: only that store
    std::string prepare_fixture;         // --prepare-fixture DIR: write the fixture and exit
    std::string break_root, restore_root, replace_root;  // shell commands
    bool symlinks = true;                // --no-symlinks clears it
    unsigned threads = 8;
    unsigned concurrency_ms = 2000;
    unsigned prompt_ms = 2000;
    std::vector<std::string> cases;      // --case PREFIX, repeatable
    std::vector<std::string> root_extras;  // --root-extra NAME, repeatable
    bool list_cases = false;
    bool help = false;
};

// Parses argv; throws std::invalid_argument with a one-line message on a usage error.
RunnerOptions parseRunnerOptions(int argc, char** argv);

extern const char* const kRunnerUsage;

}  // namespace relaysync::core
