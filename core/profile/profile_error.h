#pragma once
// The one exception the profile loader throws. Its what() is one line an operator can act on:
//   config/r1.yaml:7:16: sync.gone_entity: expected one of mark, remove, got 'delete'
// Values of secret-looking keys never appear in it (see secret_keys.h).

#include <stdexcept>
#include <string>

#include "profile/profile.h"

namespace relaysync::core {

class ProfileError : public std::runtime_error {
public:
    // key_path may be empty (a YAML syntax error or an unreadable file has none).
    ProfileError(SourcePosition where, std::string key_path, std::string problem);

    const SourcePosition& position() const noexcept { return position_; }
    const std::string& keyPath() const noexcept { return key_path_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    SourcePosition position_;
    std::string key_path_;
    std::string problem_;
};

}  // namespace relaysync::core
