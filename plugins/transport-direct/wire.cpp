// What every wire needs from the socket underneath.

#include <csignal>
#include <poll.h>
#include <pthread.h>

#include "wire.h"

namespace relaysync::transport_direct {

void blockSigpipeInThisThread() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void waitForSocket(int fd, bool for_write, int timeout_ms) {
    pollfd entry{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    ::poll(&entry, 1, timeout_ms);  // errors and hang-ups show on the next read or write
}

}  // namespace relaysync::transport_direct
