#pragma once
// The terminals a relay is the SIP registrar for, and their digest passwords: the
// terminal_accounts_file, lines of "ACCOUNT PASSWORD" ('#' starts a comment line).

#include <map>
#include <string>

namespace relaysync::transport_sip {

class TerminalAccounts {
public:
    TerminalAccounts() = default;
    // Reads `path`. Throws std::invalid_argument starting with "terminal_accounts_file: " when
    // the file cannot be read, is readable by other users, or a line is not usable; the message
    // names the line, never a password.
    static TerminalAccounts load(const std::string& path);

    bool empty() const { return passwords_.empty(); }
    bool contains(const std::string& account) const { return passwords_.count(account) != 0; }
    // nullptr for an account that is not one of them.
    const std::string* passwordOf(const std::string& account) const;
    const std::map<std::string, std::string>& all() const { return passwords_; }

private:
    std::map<std::string, std::string> passwords_;
};

}  // namespace relaysync::transport_sip
