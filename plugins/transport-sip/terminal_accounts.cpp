#include "terminal_accounts.h"

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "config_text.h"
#include "sip_config.h"

namespace relaysync::transport_sip {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("terminal_accounts_file: " + what); }

}  // namespace

TerminalAccounts TerminalAccounts::load(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) fail("cannot read " + path);
    // The file holds passwords: like an ssh key, it must not be readable by others.
    if (info.st_mode & (S_IRWXG | S_IRWXO)) fail(path + " is readable or writable by other users (chmod 600 it)");
    std::ifstream in(path);
    if (!in) fail("cannot read " + path);
    TerminalAccounts accounts;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string text = plugin_common::trim(line);
        if (text.empty() || text.front() == '#') continue;
        const auto space = text.find_first_of(" \t");
        const std::string where = path + ":" + std::to_string(number) + ": ";
        if (space == std::string::npos) fail(where + "expected 'ACCOUNT PASSWORD'");
        const std::string account = text.substr(0, space);
        const std::string password = plugin_common::trim(text.substr(space + 1));
        if (const auto problem = accountProblem(account); !problem.empty()) fail(where + "'" + account + "' " + problem);
        if (password.find_first_of("\"\\") != std::string::npos) fail(where + "the password of " + account + " has a quote or backslash");
        if (!accounts.passwords_.emplace(account, password).second) fail(where + account + " is listed twice");
    }
    if (accounts.empty()) fail(path + " lists no terminal");
    return accounts;
}

const std::string* TerminalAccounts::passwordOf(const std::string& account) const {
    const auto found = passwords_.find(account);
    return found == passwords_.end() ? nullptr : &found->second;
}

}  // namespace relaysync::transport_sip
