// relaysync-admin: the operator's and the user's command line for a local relay or terminal.
//
//   relaysync-admin --profile FILE [--json] [--timeout SECONDS] COMMAND [ARGUMENT...]
//   relaysync-admin --socket PATH ...
//
// Errors are one line on standard error; the exit code is 0 on success, 1 when the daemon
// refused or the command failed, 2 for a usage error or a daemon that cannot be reached or
// does not answer, 3 when a synchronize did not finish within the timeout. --timeout bounds
// the whole command: reaching the daemon, each answer and a synchronize's wait.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "admin/admin_socket.h"
#include "admin/admin_client.h"
#include "apps/admin/remote_cli.h"
#include "assembly/status_view.h"
#include "brand/version_text.h"
#include "profile/closest_name.h"
#include "profile/profile_loader.h"
#include "protocol/json_fields.h"

namespace relaysync::core {
namespace {

// Exit codes (docs/admin.md, "Exit codes"). A synchronize that ended but did not do all it was
// asked says which way it fell short, the first that applies in this order.
constexpr int kExitFailed = 1, kExitUsage = 2, kExitTimeout = 3;
constexpr int kExitSyncUnknownResources = 4, kExitSyncNodesUnreachable = 5, kExitSyncProblems = 6;

// "relaysync-admin", or a vendor's name for it (docs/branding.md).
const std::string& programName() {
    static const std::string name = brand::programName("admin");
    return name;
}

const char* kUsage = R"(usage: ADMIN (--profile FILE | --socket PATH) [--json] [--timeout SECONDS] COMMAND [ARG...]

Relay commands (patent Fig. 10-11):
  create-group [PEER] [--force]              new group, inviting the relay account PEER
  add-group RELAY GROUP [--force]            invite RELAY into GROUP
  invitations                                invitations into groups waiting for this operator
  accept-invitation GROUP                    join GROUP as invited
  refuse-invitation GROUP                    decline it
  add-terminal GROUP TERMINAL [NAME [DEPT]] [--force]
                                             admit one of this relay's terminals to GROUP
  delete-terminal GROUP TERMINAL             withdraw it
  remove-relay RELAY GROUP                   take RELAY out of GROUP; it and its terminals forget it
  leave-group GROUP                          take this relay out of GROUP
  (--force: take an account this relay does not know as a relay or as its terminal)
Terminal commands (Fig. 12-16):
  create-share GROUP NAME [MEMBER...]        CreateSharedResource; prints the share id
  add-share-members SHARE MEMBER...          the share's creator adds members; they get all of it
  remove-share-members SHARE MEMBER...       the share's creator removes members; they drop it
  delete-share SHARE                         the share's creator deletes it at every node
  add-resource SHARE NAME LOCATION [--replace]
                                             share the entity at LOCATION (e.g. c:/folderA); a NAME
                                             already shared from elsewhere needs --replace
  add-resources SHARE NAME LOCATION... [--replace]
                                             share many at once (NAME LOCATION pairs): one transaction
  add-children SHARE FOLDER [--replace]      share each item in FOLDER (e.g. c:/docs) under its own name
  remove-resource SHARE NAME                 the resource's owner takes it out of the share
  accept-store-root PREFIX                   accept the root store PREFIX has now as its own,
                                             after a remount or replacement was intended
  check SHARE [NAME...]                      CheckResource on what this terminal owns
  browse SHARE NAME [SUBPATH] [--owner OWNER]
                                             list a shared folder's items (or a file's details) as
                                             its owner sees them now, through the owner
  fetch SHARE NAME DEST [--path SUBPATH] [--owner OWNER] [--restart] [--limit-rate BYTES]
                                             copy a shared file, or a folder recursively, from its
                                             owner to DEST, verified (SHA-256); an interrupted fetch
                                             resumes from DEST.part, --restart starts it anew
Both:
  sync SHARE [NAME...]                       synchronize the share (or the named resources) and
                                             wait for the report, showing who is still checking
  sync-status SYNC_ID                        the report of an earlier synchronize, or who it waits for
  status [--share ID] [--limit N] [--after CURSOR] [--count] [--all]
                                             relay groups and shared resources as this node stores
                                             them, one page of entries (at most 1000) at a time;
                                             --after: the page after CURSOR (printed with each page),
                                             --count: each share's entries counted, --all: every
                                             page, printed as it comes (--json: one object a line)
  access-log [--limit N]                     remote browses and fetches recorded here (newest first)
  ping                                       the daemon's account and role
  peers                                      each peer: connected or not and since when, its last
                                             message, messages waiting for it
Outbox and dead letters (both):
  outbox                                     per destination: messages waiting, the oldest's seq, type, id
  dead-letters                               messages set aside as undeliverable, with the reason
  resend-dead-letter SEQ|--all               back into the outbox, under a fresh message id
  purge-dead-letters SEQ|--all               drop dead letters
  purge-outbox DESTINATION                   drop every message waiting for DESTINATION
--timeout SECONDS bounds the whole command: connecting, every answer and a synchronize's wait
(default: 60 s for an answer, 300 s for a synchronize's wait).
SHARE is a share's id, its name when no other share on the node has it, or the start of its id.
Exit codes: 0 done; 1 the daemon refused (the reason is printed); 2 wrong command line or no
daemon; 3 --timeout passed; sync only: 4 resources named are not in the share, 5 some nodes could
not be reached, 6 problems were reported or entries could not be reached; browse and fetch only:
7 the owner is offline, 8 the entry is gone or its store unreachable, 9 not a member, 10 the
owner's policy refuses, 11 the path leads out of the entry, 12 the file changed during the fetch
(or since DEST.part), 13 the content did not verify.
)";

// kUsage with this build's program name.
std::string usageText() {
    std::string text = kUsage;
    text.replace(text.find("ADMIN"), 5, programName());
    return text;
}

struct Invocation {
    std::string profile, socket, command;
    std::vector<std::string> args;
    bool json = false;
    bool force = false;
    bool replace = false;  // add-resource, add-resources, add-children --replace
    std::optional<int> timeout_seconds;  // --timeout
};

using Clock = std::chrono::steady_clock;
const std::chrono::seconds kDefaultSyncWait(300);

// What time a command has: with --timeout, all of it until one deadline; without, each answer
// kDefaultAdminTimeout and a synchronize's wait kDefaultSyncWait.
class Budget {
public:
    explicit Budget(const Invocation& call) : given_(call.timeout_seconds) {
        if (given_) deadline_ = Clock::now() + std::chrono::seconds(*given_);
    }
    // For one request to the daemon.
    Poco::Timespan forAnswer() const {
        if (!deadline_) return kDefaultAdminTimeout;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
        return Poco::Timespan(std::max<Poco::Timespan::TimeDiff>(left.count(), 1) * 1000);
    }
    // When a synchronize started at `start` stops being waited for.
    Clock::time_point syncDeadline(Clock::time_point start) const {
        return deadline_ ? *deadline_ : start + kDefaultSyncWait;
    }
    // "5 s" (--timeout 5) or "300 s", for messages.
    std::string syncWaitText() const {
        return std::to_string(given_ ? *given_ : static_cast<int>(kDefaultSyncWait.count())) + " s";
    }

private:
    std::optional<int> given_;
    std::optional<Clock::time_point> deadline_;
};

[[noreturn]] void usageError(const std::string& message) {
    std::cerr << programName() << ": " << message << "\n" << usageText();
    std::exit(kExitUsage);
}

Invocation parse(int argc, char** argv) {
    Invocation call;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&] {
            if (i + 1 >= argc) usageError(arg + " needs a value");
            return std::string(argv[++i]);
        };
        if (!call.command.empty()) {
            // An option after the command is never taken for an account or a name.
            if (arg == "--force") call.force = true;
            else if (arg == "--replace" &&
                     (call.command == "add-resource" || call.command == "add-resources" || call.command == "add-children"))
                call.replace = true;
            else if (arg == "--all") call.args.push_back(arg);  // resend-/purge-dead-letters, status
            else if (call.command == "status" && arg == "--count") call.args.push_back(arg);
            else if (call.command == "fetch" && arg == "--restart") call.args.push_back(arg);
            else if ((call.command == "browse" || call.command == "fetch") && arg == "--owner") {
                call.args.push_back(arg);
                call.args.push_back(value());
            }
            else if (call.command == "fetch" && (arg == "--path" || arg == "--limit-rate")) {
                call.args.push_back(arg);
                call.args.push_back(value());
            }
            else if (call.command == "access-log" && arg == "--limit") {
                call.args.push_back(arg);
                call.args.push_back(value());
            }
            else if (call.command == "status" && (arg == "--share" || arg == "--limit" || arg == "--after")) {
                call.args.push_back(arg);
                call.args.push_back(value());
            }
            else if (arg.rfind("--", 0) == 0) usageError("unknown option " + arg + " after " + call.command);
            else call.args.push_back(arg);
        }
        else if (arg == "--profile") call.profile = value();
        else if (arg == "--socket") call.socket = value();
        else if (arg == "--json") call.json = true;
        else if (arg == "--timeout") {
            const auto text = value();
            try {
                std::size_t used = 0;
                call.timeout_seconds = std::stoi(text, &used);
                if (used != text.size() || *call.timeout_seconds <= 0) throw std::invalid_argument(text);
            } catch (const std::exception&) {
                usageError("--timeout takes a whole number of seconds, at least 1");
            }
        } else if (arg == "--help" || arg == "-h") {
            std::cout << usageText() << "\n" << brand::helpFooter() << "\n";
            std::exit(0);
        } else if (arg == "--version" || arg == "-V") {
            std::cout << brand::versionText(brand::programName("admin"));
            std::exit(0);
        } else if (arg.rfind("--", 0) == 0) usageError("unknown option " + arg);
        else call.command = arg;
    }
    if (call.command.empty()) usageError("no command given");
    if (call.profile.empty() == call.socket.empty()) usageError("give exactly one of --profile FILE and --socket PATH");
    return call;
}

// resend-dead-letter and purge-dead-letters: SEQ (a number from dead-letters) or --all.
Poco::JSON::Object::Ptr deadLetterArgs(const Invocation& call) {
    const auto usage = call.command + " takes SEQ (a number from dead-letters) or --all";
    if (call.args.size() != 1) usageError(usage);
    Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
    const auto& which = call.args.front();
    if (which == "--all") {
        args->set("all", true);
        return args;
    }
    if (which.empty() || which.find_first_not_of("0123456789") != std::string::npos) usageError(usage);
    try {
        args->set("seq", static_cast<Poco::Int64>(std::stoll(which)));
    } catch (const std::exception&) {
        usageError(usage);
    }
    return args;
}

// status: --share ID, --limit N, --after CURSOR, --count (--all is the CLI's: see streamStatus).
Poco::JSON::Object::Ptr statusArgs(const Invocation& call) {
    Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
    for (std::size_t i = 0; i < call.args.size(); ++i) {
        const auto& option = call.args[i];
        if (option == "--all") continue;
        if (option == "--count") {
            args->set("count", true);
            continue;
        }
        if (option.rfind("--", 0) != 0 || i + 1 >= call.args.size())
            usageError("status takes --share ID, --limit N, --after CURSOR, --count and --all, not '" + option + "'");
        const auto& value = call.args[++i];
        if (option == "--share") args->set("share", value);
        else if (option == "--after") args->set("after", value);
        else if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos)
            usageError("--limit takes a number of entries (a page holds at most 1000)");
        else args->set("limit", std::stoi(value));
    }
    return args;
}

// Builds the request for a command line, checking the number of arguments.
Poco::JSON::Object::Ptr requestFor(const Invocation& call) {
    const bool own_arguments =
        call.command == "resend-dead-letter" || call.command == "purge-dead-letters" || call.command == "status";
    if (own_arguments) {
        Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
        request->set("command", call.command);
        request->set("args", call.command == "status" ? statusArgs(call) : deadLetterArgs(call));
        return request;
    }
    struct Shape {
        std::vector<std::string> required, optional;
        std::string rest;  // name of a trailing list, if any
        std::size_t rest_min = 0;  // how many the list needs at least
    };
    static const std::map<std::string, Shape> shapes{
        {"ping", {}},
        {"peers", {}},
        {"create-group", {{}, {"peer"}, ""}},
        {"add-group", {{"relay", "group"}, {}, ""}},
        {"invitations", {}},
        {"accept-invitation", {{"group"}, {}, ""}},
        {"refuse-invitation", {{"group"}, {}, ""}},
        {"add-terminal", {{"group", "terminal"}, {"display_name", "department"}, ""}},
        {"delete-terminal", {{"group", "terminal"}, {}, ""}},
        {"remove-relay", {{"relay", "group"}, {}, ""}},
        {"leave-group", {{"group"}, {}, ""}},
        {"create-share", {{"group", "name"}, {}, "members"}},
        {"add-share-members", {{"share"}, {}, "members", 1}},
        {"remove-share-members", {{"share"}, {}, "members", 1}},
        {"delete-share", {{"share"}, {}, ""}},
        {"add-resource", {{"share", "name", "location"}, {}, ""}},
        {"add-resources", {{"share"}, {}, "pairs", 2}},
        {"add-children", {{"share", "folder"}, {}, ""}},
        {"remove-resource", {{"share", "name"}, {}, ""}},
        {"accept-store-root", {{"prefix"}, {}, ""}},
        {"check", {{"share"}, {}, "names"}},
        {"sync", {{"share"}, {}, "names"}},
        {"sync-status", {{"sync_id"}, {}, ""}},
        {"outbox", {}},
        {"dead-letters", {}},
        {"purge-outbox", {{"destination"}, {}, ""}},
    };
    const auto shape = shapes.find(call.command);
    if (shape == shapes.end()) {
        // The commands of the table and those with their own options.
        std::vector<std::string_view> known{"status", "resend-dead-letter", "purge-dead-letters", "browse", "fetch",
                                            "access-log"};
        for (const auto& [name, unused] : shapes) known.push_back(name);
        const auto guess = closestName(call.command, known);
        usageError("unknown command '" + call.command + "'" +
                   (guess ? " (did you mean '" + std::string(*guess) + "'?)" : std::string()));
    }
    const auto& [required, optional, rest, rest_min] = shape->second;
    if (call.args.size() < required.size() + rest_min)
        usageError(call.command + " needs " + (rest_min > 0 ? "at least " : "") +
                   std::to_string(required.size() + rest_min) + " argument(s)");
    if (rest.empty() && call.args.size() > required.size() + optional.size())
        usageError(call.command + " takes at most " + std::to_string(required.size() + optional.size()) + " argument(s)");

    Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
    std::size_t i = 0;
    for (const auto& name : required) args->set(name, call.args[i++]);
    for (const auto& name : optional)
        if (i < call.args.size()) args->set(name, call.args[i++]);
    if (!rest.empty()) args->set(rest, json::toArray({call.args.begin() + static_cast<long>(i), call.args.end()}));
    if (call.replace) args->set("replace", true);
    if (call.force) {
        static const std::set<std::string> forceable{"create-group", "add-group", "add-terminal"};
        if (!forceable.count(call.command)) usageError(call.command + " takes no --force");
        args->set("force", true);
    }

    Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
    request->set("command", call.command);
    request->set("args", args);
    return request;
}

Poco::JSON::Object::Ptr ask(const std::string& socket, const Poco::JSON::Object::Ptr& request, const Budget& budget) {
    auto response = askDaemon(socket, request, budget.forAnswer());
    if (!response->optValue<bool>("ok", false)) {
        std::cerr << programName() << ": " << json::optionalString(response, "error") << "\n";
        std::exit(kExitFailed);
    }
    response->remove("ok");
    return response;
}

// Prints a result: its JSON with --json, else its "text" or its fields one per line.
void show(Poco::JSON::Object::Ptr result, bool as_json) {
    if (as_json) {
        result->remove("text");
        std::cout << toJsonText(result) << "\n";
    } else if (result->has("text")) {
        std::cout << json::optionalString(result, "text");
    } else {
        for (const auto& name : result->getNames()) std::cout << name << ": " << result->get(name).toString() << "\n";
    }
}

// The cursor of the page after this one, or "" when it was the last (or not a page).
std::string nextPage(const Poco::JSON::Object::Ptr& status) {
    const auto page = status->getObject("page");
    return page ? json::optionalString(page, "next") : std::string();
}

// status: one page, with how to get the next; with --all every page, each printed as it comes
// (a million entries are never in memory at once, here or at the daemon). --json --all prints
// one JSON object a line, a page each.
int showStatus(const Invocation& call, const Budget& budget, const std::string& socket,
               const Poco::JSON::Object::Ptr& request) {
    const bool all = std::find(call.args.begin(), call.args.end(), "--all") != call.args.end();
    auto args = request->getObject("args");
    for (;;) {
        auto page = ask(socket, request, budget);
        const auto next = nextPage(page);
        if (!all) {
            show(page, call.json);
            if (!call.json && !next.empty())
                std::cout << "More entries: status --after " << next << " (or status --all)\n";
            return 0;
        }
        if (call.json) {
            page->remove("text");
            std::cout << toJsonText(page, 0) << "\n";
        } else {
            std::cout << json::optionalString(page, "text");
        }
        std::cout.flush();
        if (next.empty()) return 0;
        args->set("after", next);
        args->remove("count");  // counted once, on the first page
    }
}

// The exit code of a finished synchronize: 0 when it did all it was asked.
int syncOutcome(const Poco::JSON::Object::Ptr& report) {
    const auto any = [&](const char* list, const char* more) {
        const auto items = report->getArray(list);
        return (items && items->size() > 0) || report->optValue<Poco::Int64>(more, 0) > 0;
    };
    if (any("unknown_resources", "more_unknown_resources")) return kExitSyncUnknownResources;
    if (any("unreachable_nodes", "more_unreachable_nodes")) return kExitSyncNodesUnreachable;
    if (any("problems", "more_problems") || report->optValue<Poco::Int64>("unreachable", 0) > 0) return kExitSyncProblems;
    return 0;
}

// Waits for a synchronize, showing on standard error who it still waits for.
int awaitSync(const Invocation& call, const Budget& budget, const std::string& socket, const std::string& sync_id) {
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
    request->set("command", "sync-status");
    Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
    args->set("sync_id", sync_id);
    request->set("args", args);
    const auto give_up = budget.syncDeadline(Clock::now());
    std::string shown;
    // Asked again soon at first, then less often: a 20 ms synchronize is shown after about 20 ms,
    // a long one costs the node a question every 200 ms.
    auto pause = std::chrono::milliseconds(2);
    for (bool first = true;; first = false) {
        // Past the timeout, exit 3 rather than ask with no time left (that would be exit 2).
        if (!first && Clock::now() >= give_up) {
            std::cerr << "\n" << programName() << ": synchronize " << sync_id << " has not finished after " << budget.syncWaitText()
                      << "; ask again with: sync-status " << sync_id << "\n";
            return kExitTimeout;
        }
        const auto status = ask(socket, request, budget);
        if (status->optValue<bool>("finished", false)) {
            if (!call.json) std::cerr << "\n";
            const auto report = status->getObject("report");
            show(report, call.json);
            return syncOutcome(report);
        }
        std::string waiting;
        for (const auto& node : json::requireStrings(status, "waiting_for", "sync-status")) waiting += " " + node;
        if (const auto more = status->optValue<Poco::Int64>("more_waiting", 0); more > 0)
            waiting += " and " + std::to_string(more) + " more";
        if (!call.json && waiting != shown) {
            std::cerr << "\rsynchronize " << sync_id << ": waiting for" << waiting << "   " << std::flush;
            shown = waiting;
        }
        const auto left = give_up - Clock::now();
        if (left > Clock::duration::zero()) std::this_thread::sleep_for(std::min<Clock::duration>(pause, left));
        pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
}

// access-log [--limit N]
Poco::JSON::Object::Ptr accessLogArgs(const Invocation& call) {
    Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
    if (call.args.empty()) return args;
    const bool number = call.args.size() == 2 && !call.args[1].empty() && call.args[1].size() <= 9 &&
                        call.args[1].find_first_not_of("0123456789") == std::string::npos;
    if (call.args[0] != "--limit" || !number) usageError("access-log takes --limit N");
    args->set("limit", std::stoi(call.args[1]));
    return args;
}

// browse, fetch and access-log (apps/admin/remote_cli.h).
int runRemoteCommand(const Invocation& call, const Budget& budget, const std::string& socket) {
    RemoteCli cli;
    cli.program = programName();
    cli.json = call.json;
    cli.usage_error = [](const std::string& message) { usageError(message); };
    cli.ask = [&](const std::string& command, Poco::JSON::Object::Ptr args) {
        Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
        request->set("command", command);
        request->set("args", args);
        return ask(socket, request, budget);
    };
    if (call.command == "browse") return runBrowse(cli, call.args);
    if (call.command == "fetch") return runFetch(cli, call.args);
    show(cli.ask("access-log", accessLogArgs(call)), call.json);
    return 0;
}

int run(int argc, char** argv) {
    const auto call = parse(argc, argv);
    const Budget budget(call);
    if (call.command == "browse" || call.command == "fetch" || call.command == "access-log") {
        if (call.force) usageError(call.command + " takes no --force");
        const auto socket = call.socket.empty() ? adminSocketPathOf(call.profile) : call.socket;
        return runRemoteCommand(call, budget, socket);
    }
    const auto request = requestFor(call);
    const auto socket = call.socket.empty() ? adminSocketPathOf(call.profile) : call.socket;
    if (call.command == "status") return showStatus(call, budget, socket, request);
    const auto result = ask(socket, request, budget);
    if (call.command == "sync") return awaitSync(call, budget, socket, json::optionalString(result, "sync_id"));
    show(result, call.json);
    return 0;
}

}  // namespace
}  // namespace relaysync::core

int main(int argc, char** argv) {
    try {
        return relaysync::core::run(argc, argv);
    } catch (const relaysync::core::AdminConnectionError& e) {
        std::cerr << relaysync::core::programName() << ": " << e.what() << "\n";
        return relaysync::core::kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << relaysync::core::programName() << ": " << e.what() << "\n";
        return relaysync::core::kExitFailed;
    }
}
