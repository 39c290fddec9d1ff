#include "model/share.h"

#include <algorithm>

namespace relaysync::core {

bool Share::isMember(const std::string& account) const {
    return std::find(members.begin(), members.end(), account) != members.end();
}

}  // namespace relaysync::core
