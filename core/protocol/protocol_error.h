#pragma once

#include <stdexcept>

namespace relaysync::core {

// A message that cannot be understood: names the field and what is wrong with it.
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace relaysync::core
