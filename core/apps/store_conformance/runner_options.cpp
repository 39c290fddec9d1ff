#include "runner_options.h"

#include <stdexcept>

namespace relaysync::core {

const char* const kRunnerUsage = R"(usage: relaysync-store-conformance --profile FILE [--store PREFIX] [OPTIONS]
       relaysync-store-conformance --prepare-fixture DIR [--no-symlinks]
       relaysync-store-conformance --list-cases

Runs the store conformance suite (docs/store-conformance.md) on the resource stores of a
terminal's profile: each store is created through the plugin host as the terminal would, and
its root must hold the conformance fixture. Prints each case as passed, FAILED (what was
expected, what the store answered) or skipped (why). Exit code: 0 when no case failed, 1 when
one did, 2 for a usage, profile or plugin error.

  --profile FILE          the profile whose `stores` to check
  --store PREFIX          only the store with this prefix (e.g. "c:"); default: every store
  --prepare-fixture DIR   write the fixture into DIR (created; must be empty) and exit; then
                          point a store's root at DIR, pack it, or copy it to the share
  --no-symlinks           the store has no symlinks (an archive without them, a share whose
                          server does not follow them): the symlink cases are skipped, and
                          --prepare-fixture leaves the links out
  --break-root CMD        shell command (/bin/sh -c) that makes the root unreachable, e.g.
                          'mv "$RELAYSYNC_STORE_ROOT" "$RELAYSYNC_STORE_ROOT.away"'
  --restore-root CMD      undoes --break-root or --replace-root: the fixture is back in place
  --replace-root CMD      puts another folder with other content where the root was
                          (root.removed needs --break-root and --restore-root; root.replaced
                          needs --replace-root and --restore-root; without them they are skipped)
  --root-extra NAME       a name the root holds besides the fixture, e.g. the local store's
                          `marker` file (repeatable): left out when the root's listing is compared
  --threads N             threads of the concurrency case (default 8)
  --concurrency-ms MS     how long the concurrency case runs (default 2000)
  --prompt-ms MS          how long a call with an expired deadline or through a symlink loop
                          may take (default 2000)
  --case PREFIX           run only the cases whose name starts with PREFIX (repeatable)
  --list-cases            print every case and what it checks, and exit
  --help                  this text

The root hooks run with RELAYSYNC_STORE_PREFIX, RELAYSYNC_STORE_PLUGIN and, for a store with a
`root` setting, RELAYSYNC_STORE_ROOT in their environment; a non-zero exit fails the case.
Plugins are found as the daemons find them (the profile's plugins.paths, RELAYSYNC_PLUGIN_DIR,
the install folder).
)";

namespace {

unsigned number(const std::string& option, const std::string& text, unsigned least) {
    std::size_t used = 0;
    unsigned long value = 0;
    try {
        value = std::stoul(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || value < least || value > 1'000'000)
        throw std::invalid_argument(option + " takes a whole number from " + std::to_string(least) + ", not '" + text + "'");
    return static_cast<unsigned>(value);
}

}  // namespace

RunnerOptions parseRunnerOptions(int argc, char** argv) {
    RunnerOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--profile") o.profile = value();
        else if (arg == "--store") o.store = value();
        else if (arg == "--prepare-fixture") o.prepare_fixture = value();
        else if (arg == "--break-root") o.break_root = value();
        else if (arg == "--restore-root") o.restore_root = value();
        else if (arg == "--replace-root") o.replace_root = value();
        else if (arg == "--no-symlinks") o.symlinks = false;
        else if (arg == "--threads") o.threads = number(arg, value(), 1);
        else if (arg == "--concurrency-ms") o.concurrency_ms = number(arg, value(), 1);
        else if (arg == "--prompt-ms") o.prompt_ms = number(arg, value(), 1);
        else if (arg == "--case") o.cases.push_back(value());
        else if (arg == "--root-extra") o.root_extras.push_back(value());
        else if (arg == "--list-cases") o.list_cases = true;
        else if (arg == "--help" || arg == "-h") o.help = true;
        else throw std::invalid_argument("unknown argument '" + arg + "'");
    }
    if (o.help || o.list_cases || !o.prepare_fixture.empty()) return o;
    if (o.profile.empty()) throw std::invalid_argument("--profile FILE is required (or --prepare-fixture DIR)");
    // A root left broken would fail every later run: breaking needs a way back.
    if ((!o.break_root.empty() || !o.replace_root.empty()) && o.restore_root.empty())
        throw std::invalid_argument("--break-root and --replace-root need --restore-root");
    return o;
}

}  // namespace relaysync::core
