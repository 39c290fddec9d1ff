#include "admin/admin_limits.h"

namespace relaysync::core {

std::string describeSeconds(std::chrono::milliseconds duration) {
    if (duration < std::chrono::milliseconds(100)) return std::to_string(duration.count()) + " ms";
    const auto tenths = (duration.count() + 50) / 100;
    auto text = std::to_string(tenths / 10);
    if (tenths % 10 != 0) {
        text += '.';
        text += std::to_string(tenths % 10);
    }
    return text + " s";
}

}  // namespace relaysync::core
