#pragma once

#include <stdexcept>

namespace relaysync::core {

// Another live daemon holds this node's database or admin socket. what() is one line:
// "already running (pid 1234) on sqlite:/var/lib/relaysync/relay1.db".
class AlreadyRunning : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace relaysync::core
