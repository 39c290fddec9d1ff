// relaysync-demo: the four-site example of patent CN101471843A, every relay and terminal in this
// one process over the in-process network. What it does and how to read it: docs/demo.md.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include "demo_scenario.h"
#include "demo_world.h"

namespace fs = std::filesystem;
using namespace relaysync;

namespace {

constexpr const char* kUsage = R"(usage: relaysync-demo [--config DIR] [--data DIR] [--trace] [--json] [--verbose]
                      [--shuffle SEED] [--duplicate]

Runs the four-site example of patent CN101471843A in one process and prints the relay-group
and shared-resource tables before and after a synchronize (docs/demo.md).

  --config DIR  folder of the site profiles (default: )" RELAYSYNC_DEMO_CONFIG_DIR R"()
  --data DIR    data folder, wiped and recreated; the profiles' ${RELAYSYNC_DATA}
                (default: ./.demo-data)
  --trace       list the messages of every step (the synchronize's are always listed)
  --json        also print every node's final state as JSON
  --verbose     log what the engines do (default: warnings only)
  --shuffle SEED  deliver messages in a random order (seeded), to show that the result
                  does not depend on it
  --duplicate   deliver every message twice, likewise
)";

// Marks a data folder as the demo's own, so that wiping it never destroys anything else.
constexpr const char* kMarker = ".relaysync-demo";

struct Options {
    fs::path config_dir = RELAYSYNC_DEMO_CONFIG_DIR;
    fs::path data_dir = ".demo-data";
    bool json = false;
    bool trace = false;
    bool verbose = false;
    std::optional<unsigned> shuffle;
    bool duplicate = false;
    bool help = false;
};

unsigned parseSeed(const std::string& text) {
    std::size_t used = 0;
    unsigned long seed = 0;
    try {
        seed = std::stoul(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || seed > 0xffffffffUL)
        throw std::invalid_argument("--shuffle needs a number, not '" + text + "'");
    return static_cast<unsigned>(seed);
}

Options parseOptions(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value (see --help)");
            return argv[++i];
        };
        if (arg == "--config")
            options.config_dir = value();
        else if (arg == "--data")
            options.data_dir = value();
        else if (arg == "--json")
            options.json = true;
        else if (arg == "--trace")
            options.trace = true;
        else if (arg == "--verbose")
            options.verbose = true;
        else if (arg == "--shuffle")
            options.shuffle = parseSeed(value());
        else if (arg == "--duplicate")
            options.duplicate = true;
        else if (arg == "--help" || arg == "-h")
            options.help = true;
        else
            throw std::invalid_argument("unknown argument '" + arg + "' (see --help)");
    }
    return options;
}

// Wipes and recreates the data folder, refusing to wipe one that the demo did not make.
fs::path prepareDataDir(const fs::path& requested) {
    const auto dir = fs::absolute(requested).lexically_normal();
    if (fs::exists(dir)) {
        if (!fs::is_directory(dir)) throw std::runtime_error("data folder " + dir.string() + " is not a folder");
        if (!fs::is_empty(dir) && !fs::exists(dir / kMarker))
            throw std::runtime_error("refusing to wipe data folder " + dir.string() +
                                     ": it is not empty and was not made by relaysync-demo (no " + kMarker + " in it)");
        fs::remove_all(dir);
    }
    fs::create_directories(dir);
    std::ofstream(dir / kMarker) << "made by relaysync-demo; wiped at its next start\n";
    return dir;
}

void setUpLogging(bool verbose) {
    Poco::AutoPtr<Poco::ConsoleChannel> channel(new Poco::ConsoleChannel(std::cerr));
    // Set before any engine exists: loggers made later take the root's channel and level.
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(verbose ? Poco::Message::PRIO_INFORMATION : Poco::Message::PRIO_WARNING);
}

// Where plugins are looked for besides what the profiles and the host say: the build tree,
// unless RELAYSYNC_PLUGIN_DIR says otherwise.
std::vector<std::string> extraPluginPaths() {
    const char* env = std::getenv("RELAYSYNC_PLUGIN_DIR");
    if (env && *env) return {};
    return {RELAYSYNC_DEMO_PLUGIN_DIR};
}

int run(int argc, char** argv) {
    const auto options = parseOptions(argc, argv);
    if (options.help) {
        std::cout << kUsage;
        return 0;
    }
    setUpLogging(options.verbose);
    const auto data_dir = prepareDataDir(options.data_dir);
    ::setenv("RELAYSYNC_DATA", data_dir.c_str(), 1);
    // The profiles name certificates for the real transport, which the demo does not load.
    ::setenv("RELAYSYNC_CERTS", (data_dir / "certs").c_str(), 0);

    std::cout << "relaysync demo: the four-site example of CN101471843A, every node in one process\n"
              << "  profiles: " << fs::absolute(options.config_dir).lexically_normal().string() << "\n"
              << "  data:     " << data_dir.string() << "  (RELAYSYNC_DATA)\n";

    demo::DemoWorld world(options.config_dir, extraPluginPaths());

    std::set<std::string> transports;
    std::size_t relays = 0;
    for (const auto& account : world.accounts()) {
        transports.insert(world.profile(account).transport.plugin);
        if (world.node(account).isRelay()) ++relays;
    }
    std::string named;
    for (const auto& plugin : transports) named += (named.empty() ? "'" : ", '") + plugin + "'";
    std::cout << "  nodes:    " << relays << " relays and " << world.accounts().size() - relays
              << " terminals, built from their profiles and started\n"
              << "  transport: the profiles name " << named << "; here every transport is the in-process network\n"
              << "            (real transports come with a later issue)\n";
    world.network().setShuffle(options.shuffle);
    world.network().setDuplicate(options.duplicate);
    if (options.shuffle) std::cout << "  network:  delivers in a shuffled order (seed " << *options.shuffle << ")\n";
    if (options.duplicate) std::cout << "  network:  delivers every message twice\n";

    demo::runFourSiteScenario(world, std::cout, demo::ScenarioOptions{options.json, options.trace});
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const Poco::Exception& e) {
        std::cout.flush();
        std::cerr << "relaysync-demo: " << e.displayText() << "\n";
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "relaysync-demo: " << e.what() << "\n";
    }
    return 1;
}
