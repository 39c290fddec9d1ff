// Fuzz target: the profile loader (core/profile), on the text of a profile file.
// Its contract (profile_loader.h): every problem is a ProfileError. Anything else escaping
// parseProfile is a crash here; so is an error about a secret key (secret_keys.h) that shows the
// value ${SECRET} expanded to.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "profile/profile_loader.h"
#include "profile/secret_keys.h"

using namespace relaysync::core;

namespace {

// A fixed environment, so that runs repeat: the variables the example profiles use, and one
// whose value is a secret the loader must never print.
std::optional<std::string> lookup(const std::string& name) {
    if (name == "RELAYSYNC_DATA") return "/var/lib/relaysync";
    if (name == "RELAYSYNC_CERTS") return "/etc/relaysync/certs";
    if (name == "SECRET") return "s3cr3t-V4LUE";
    if (name == "EMPTY") return "";
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        parseProfile(text, "fuzz.yaml", lookup);
    } catch (const ProfileError& e) {
        if (isSecretKeyPath(e.keyPath()) && e.problem().find("s3cr3t-V4LUE") != std::string::npos &&
            text.find("s3cr3t-V4LUE") == std::string::npos) {
            std::fprintf(stderr, "fuzz_profile: an error about a secret key shows its value: %s\n", e.what());
            std::abort();
        }
    }
    return 0;
}
