#pragma once
// A private smbd (scripts/samba.sh) on 127.0.0.1 at a free port, with one Samba account and the
// given shares, in a folder of its own; stopped by its pid (also from the destructor, so every
// exit path ends it). Tests hang it with pause() (SIGSTOP) and stop and start it at will.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace relaysync::tests {

class SambaServer {
public:
    // `shares`: name -> folder on this machine (made if missing).
    SambaServer(const std::filesystem::path& run_dir, const std::string& user, const std::string& password,
                const std::map<std::string, std::filesystem::path>& shares);
    ~SambaServer();
    SambaServer(const SambaServer&) = delete;
    SambaServer& operator=(const SambaServer&) = delete;

    void start();  // returns once it accepts connections; throws if it does not
    void stop();
    void pause();   // SIGSTOP: connections stay open, nothing answers
    void resume();  // SIGCONT
    std::uint16_t port() const { return port_; }
    pid_t pid() const;

private:
    std::filesystem::path run_dir_;
    std::uint16_t port_ = 0;
};

// The path of scripts/samba.sh in the source tree.
std::string sambaScript();

}  // namespace relaysync::tests
