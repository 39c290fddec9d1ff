#include "admin/limit_log.h"

#include <Poco/Logger.h>

namespace relaysync::core {

void LimitLog::hit(const std::string& kind, const std::string& message) {
    const auto now = std::chrono::steady_clock::now();
    std::string line = "admin: " + message;
    {
        std::lock_guard lock(mutex_);
        auto& seen = kinds_[kind];
        if (seen.last_logged != std::chrono::steady_clock::time_point{} &&
            now - seen.last_logged < std::chrono::seconds(1)) {
            ++seen.unlogged;
            return;
        }
        if (seen.unlogged > 0)
            line += " (and " + std::to_string(seen.unlogged) + " more " + kind + " hits not logged since the last)";
        seen.last_logged = now;
        seen.unlogged = 0;
    }
    Poco::Logger::get("relaysync.admin").warning(line);
}

}  // namespace relaysync::core
