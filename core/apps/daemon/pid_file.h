#pragma once

#include <string>

namespace relaysync::core {

// --pidfile: this process's pid, written once the daemon holds its instance lock (so that a
// second daemon, refused, never overwrites the running one's), removed when it ends.
class PidFile {
public:
    // Throws std::runtime_error naming the file when it cannot be written.
    explicit PidFile(std::string path);
    ~PidFile();
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

private:
    std::string path_;
};

}  // namespace relaysync::core
