// relaysync-store-conformance: runs the store conformance suite (sdk/conformance) on the
// resource stores of a profile, each created through the plugin host as a terminal creates it.
// Usage: --help, or docs/store-conformance.md.

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "plugin_host/plugin_host.h"
#include "profile/profile_loader.h"
#include "relaysync/sdk/conformance/fixture.h"
#include "relaysync/sdk/conformance/store_conformance.h"
#include "runner_options.h"
#include "shell_hook.h"

namespace relaysync::core {
namespace {

namespace conformance = sdk::conformance;

constexpr int kExitFailed = 1, kExitUsage = 2;

int prepareFixture(const RunnerOptions& o) {
    try {
        conformance::writeConformanceFixture(o.prepare_fixture, o.symlinks);
    } catch (const std::exception& e) {
        std::cerr << "relaysync-store-conformance: cannot write the fixture: " << e.what() << "\n";
        return kExitUsage;
    }
    std::cout << "fixture written to " << o.prepare_fixture << (o.symlinks ? "" : " (without symlinks)") << "\n";
    return 0;
}

int listCases() {
    for (const auto& c : conformance::conformanceCases()) std::cout << c.name << "\n    " << c.summary << "\n";
    return 0;
}

// What the hooks may use to find the store: exported before its cases run, while no case
// thread is alive (setenv is not thread-safe).
void exportStoreEnvironment(const StoreProfile& store) {
    ::setenv("RELAYSYNC_STORE_PREFIX", store.prefix.c_str(), 1);
    ::setenv("RELAYSYNC_STORE_PLUGIN", store.plugin.plugin.c_str(), 1);
    if (const auto root = store.plugin.config.find("root"); root != store.plugin.config.end())
        ::setenv("RELAYSYNC_STORE_ROOT", root->second.c_str(), 1);
    else
        ::unsetenv("RELAYSYNC_STORE_ROOT");
}

conformance::ConformanceOptions suiteOptions(const RunnerOptions& o) {
    conformance::ConformanceOptions options;
    options.symlinks = o.symlinks;
    options.threads = o.threads;
    options.concurrency_duration = std::chrono::milliseconds(o.concurrency_ms);
    options.prompt_limit = std::chrono::milliseconds(o.prompt_ms);
    options.only = o.cases;
    options.root_extras = o.root_extras;
    options.break_root = shellHook("--break-root", o.break_root);
    options.restore_root = shellHook("--restore-root", o.restore_root);
    options.replace_root = shellHook("--replace-root", o.replace_root);
    // Progress for a person watching; CI logs get the table only.
    if (::isatty(STDERR_FILENO))
        options.on_case = [](const conformance::CaseResult& c) {
            std::cerr << "  " << c.name << ": " << conformance::toString(c.outcome) << "\n";
        };
    return options;
}

int checkStores(const RunnerOptions& o) {
    Profile profile;
    try {
        profile = loadProfile(o.profile);
    } catch (const ProfileError& e) {
        std::cerr << "relaysync-store-conformance: " << e.what() << "\n";
        return kExitUsage;
    }
    std::vector<const StoreProfile*> stores;
    std::string prefixes;
    for (const auto& store : profile.stores) {
        prefixes += (prefixes.empty() ? "" : ", ") + ("\"" + store.prefix + "\"");
        if (!o.store || *o.store == store.prefix) stores.push_back(&store);
    }
    if (stores.empty()) {
        std::cerr << "relaysync-store-conformance: " << o.profile
                  << (profile.stores.empty() ? " has no stores (only a terminal's profile has)"
                                             : " has no store with prefix \"" + o.store.value_or("") +
                                                   "\"; it has " + prefixes)
                  << "\n";
        return kExitUsage;
    }

    PluginHost host(profile.plugin_paths);
    int exit_code = 0;
    for (const StoreProfile* store : stores) {
        std::shared_ptr<sdk::ResourceStore> instance;
        try {
            instance = host.createStore(store->plugin);
        } catch (const PluginError& e) {
            std::cerr << "relaysync-store-conformance: store \"" << store->prefix << "\": " << e.what() << "\n";
            exit_code = kExitUsage;
            continue;
        }
        exportStoreEnvironment(*store);
        std::cout << "== store \"" << store->prefix << "\" (plugin " << store->plugin.plugin << ")\n" << std::flush;
        const auto report = conformance::runStoreConformance(*instance, suiteOptions(o));
        std::cout << conformance::formatReport(report) << std::flush;
        if (report.hung) {
            // A thread may still be inside the store: destroying it (or its library) now would
            // crash. The report is out; leave without running destructors.
            std::cerr << "relaysync-store-conformance: a case hung; exiting without closing the store\n";
            std::_Exit(kExitFailed);
        }
        if (!report.passed() && exit_code == 0) exit_code = kExitFailed;
    }
    return exit_code;
}

}  // namespace
}  // namespace relaysync::core

int main(int argc, char** argv) {
    using namespace relaysync::core;
    RunnerOptions options;
    try {
        options = parseRunnerOptions(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::cerr << "relaysync-store-conformance: " << e.what() << " (--help for usage)\n";
        return kExitUsage;
    }
    if (options.help) {
        std::cout << kRunnerUsage;
        return 0;
    }
    if (options.list_cases) return listCases();
    if (!options.prepare_fixture.empty()) return prepareFixture(options);
    return checkStores(options);
}
