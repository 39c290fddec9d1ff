#pragma once
// The process's open-file limit, which every socket counts against, and what to do when it is
// reached: say so plainly (not "I/O error"), and shed the connection that could not be taken.

#include <cstddef>
#include <string>

namespace relaysync::transport_direct {

struct DescriptorLimit {
    std::size_t before = 0;  // the soft limit found
    std::size_t now = 0;     // the soft limit after raising it
};

// Raises the soft RLIMIT_NOFILE to the hard one where the system allows it.
DescriptorLimit raiseDescriptorLimit();
std::size_t descriptorLimit();
std::size_t openDescriptors();  // entries of /proc/self/fd, 0 when it cannot be read

// EMFILE or ENFILE.
bool outOfDescriptors(int error) noexcept;
// "out of file descriptors (EMFILE: this process has 1024 open, its limit is 1024)".
std::string describeDescriptorShortage(int error);

// One descriptor kept open on /dev/null, to be given up for a moment when the process has run
// out: the listener can then accept the waiting connection and close it at once, instead of
// finding it waiting again on every poll.
class SpareDescriptor {
public:
    SpareDescriptor() { acquire(); }
    ~SpareDescriptor() { release(); }
    SpareDescriptor(const SpareDescriptor&) = delete;
    SpareDescriptor& operator=(const SpareDescriptor&) = delete;

    bool held() const noexcept { return fd_ >= 0; }
    void release() noexcept;
    void acquire() noexcept;

private:
    int fd_ = -1;
};

}  // namespace relaysync::transport_direct
