// relaysync-test-sip-peer: one "sip" transport, loaded from its .so as the tests load it, driven
// from the command line so that scripts can put it opposite an independent SIP peer (sipp) at a
// real Kamailio (sipp_conformance.sh). Not installed.
//
// stdout, one line each: "started ACCOUNT", "message from ACCOUNT (ROLE): BODY" (\ \n \r escaped),
// "send I/N to ACCOUNT: STATUS", "sends done: K of N ok", "stopped". Logs go to stderr.
// Runs until SIGTERM/SIGINT, stdin closed (unless --ignore-stdin) or, with --exit-after-sends,
// the sends are done (exit 0 only if all were ok).

#include <signal.h>
#include <unistd.h>

#include <Poco/ConsoleChannel.h>
#include <Poco/Logger.h>

#include <boost/dll/shared_library.hpp>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "relaysync/sdk/plugin.h"

namespace {

using relaysync::sdk::PluginConfig;

std::mutex out_mutex;
std::atomic<bool> stdin_closed{false};  // static: the thread reading stdin may outlive main()

void say(const std::string& line) {
    std::lock_guard lock(out_mutex);
    std::cout << line << std::endl;  // flushed: a script reads it while we run
}

std::string escaped(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else out += c;
    }
    return out;
}

class PrintingListener final : public relaysync::sdk::TransportListener {
public:
    relaysync::sdk::Status onMessage(const relaysync::sdk::PeerIdentity& from, const std::string& payload) override {
        say("message from " + from.account + " (" + relaysync::sdk::toString(from.role) + "): " + escaped(payload));
        return relaysync::sdk::Status::ok();
    }
};

struct Options {
    std::string plugin;
    std::string account;
    PluginConfig config;
    std::string send_to;
    int count = 1;
    std::string payload = "{\"n\":{n}}";
    bool ignore_stdin = false;
    bool exit_after_sends = false;
    bool verbose = false;
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "relaysync-test-sip-peer: " << problem << "\n"
              << "usage: relaysync-test-sip-peer --server HOST:PORT --account USER@DOMAIN --password P\n"
                 "  [--relay-accounts A,B] [--transport tls --ca FILE] [--set KEY=VALUE]... [--plugin SO]\n"
                 "  [--send-to ACCOUNT [--count N] [--payload TEXT ({n}: the send's number)] [--exit-after-sends]]\n"
                 "  [--ignore-stdin] [--verbose]\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options options;
    if (const char* dir = std::getenv("RELAYSYNC_PLUGIN_DIR"); dir && *dir)
        options.plugin = std::string(dir) + "/relaysync-transport-sip.so";
    else
        options.plugin = RELAYSYNC_TRANSPORT_SIP_SO;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--server") options.config["server"] = value();
        else if (arg == "--account") options.account = value();
        else if (arg == "--password") options.config["password"] = value();
        else if (arg == "--relay-accounts") options.config["relay_accounts"] = value();
        else if (arg == "--transport") options.config["transport"] = value();
        else if (arg == "--ca") options.config["ca"] = value();
        else if (arg == "--plugin") options.plugin = value();
        else if (arg == "--send-to") options.send_to = value();
        else if (arg == "--count") options.count = std::atoi(value().c_str());
        else if (arg == "--payload") options.payload = value();
        else if (arg == "--ignore-stdin") options.ignore_stdin = true;
        else if (arg == "--exit-after-sends") options.exit_after_sends = true;
        else if (arg == "--verbose") options.verbose = true;
        else if (arg == "--set") {
            const std::string pair = value();
            const auto eq = pair.find('=');
            if (eq == std::string::npos || eq == 0) usage("--set needs KEY=VALUE, not '" + pair + "'");
            options.config[pair.substr(0, eq)] = pair.substr(eq + 1);
        } else usage("unknown option " + arg);
    }
    if (options.account.empty() || !options.config.count("server")) usage("--server and --account are required");
    if (options.count < 1) usage("--count must be at least 1");
    if (options.exit_after_sends && options.send_to.empty()) usage("--exit-after-sends needs --send-to");
    return options;
}

std::string payloadFor(std::string text, int n) {
    for (auto at = text.find("{n}"); at != std::string::npos; at = text.find("{n}", at + 1)) text.replace(at, 3, std::to_string(n));
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);

    // Blocked before any thread exists, so that every thread inherits it and only sigtimedwait
    // below takes these signals; a closed socket must not kill us either.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    Poco::Logger& log = Poco::Logger::get("relaysync.transport.sip");
    log.setChannel(new Poco::ConsoleChannel(std::cerr));
    log.setLevel(options.verbose ? Poco::Message::PRIO_DEBUG : Poco::Message::PRIO_INFORMATION);

    boost::dll::shared_library library(options.plugin);
    const auto* descriptor = library.get<relaysync::sdk::PluginEntryPoint>(RELAYSYNC_PLUGIN_ENTRY_POINT)();
    std::string error;
    void* instance = descriptor->create(options.config, &error);
    if (!instance) {
        std::cerr << "the plugin refused the settings: " << error << "\n";
        return 1;
    }
    auto* transport = static_cast<relaysync::sdk::Transport*>(instance);
    PrintingListener listener;  // outlives the transport
    const auto started = transport->start(options.account, listener);
    if (!started.isOk()) {
        std::cerr << options.account << " did not start: " << started.toString() << "\n";
        descriptor->destroy(instance);
        return 1;
    }
    say("started " + options.account);

    std::atomic<bool> sends_done{false};
    std::atomic<int> sends_ok{0};
    std::thread sender;
    if (!options.send_to.empty())
        sender = std::thread([&] {
            for (int n = 1; n <= options.count; ++n) {
                const auto status = transport->send(options.send_to, payloadFor(options.payload, n));
                if (status.isOk()) ++sends_ok;
                say("send " + std::to_string(n) + "/" + std::to_string(options.count) + " to " + options.send_to + ": " +
                    escaped(status.toString()));
            }
            say("sends done: " + std::to_string(sends_ok.load()) + " of " + std::to_string(options.count) + " ok");
            sends_done = true;
        });
    if (!options.ignore_stdin)
        std::thread([] {  // detached: it may still be in read() when main returns
            char buffer[256];
            while (::read(0, buffer, sizeof buffer) > 0) {}
            stdin_closed = true;
        }).detach();

    const timespec tick{0, 100'000'000};
    while (!stdin_closed && !(options.exit_after_sends && sends_done)) {
        if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) break;
    }
    transport->stop();  // also ends a send still waiting
    if (sender.joinable()) sender.join();
    descriptor->destroy(instance);
    say("stopped");
    if (options.exit_after_sends) return sends_ok == options.count ? 0 : 3;
    return 0;
}
