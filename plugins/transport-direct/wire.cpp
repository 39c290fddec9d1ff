// What every wire needs from the socket underneath.

#include <csignal>
#include <pthread.h>

#include "wire.h"

namespace relaysync::transport_direct {

void blockSigpipeInThisThread() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace relaysync::transport_direct
