#include "profile/profile.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace relaysync::core {

std::string SourcePosition::toString() const {
    std::string text = file.empty() ? std::string("<profile>") : file;
    if (line > 0) {
        text += ':' + std::to_string(line);
        if (column > 0) text += ':' + std::to_string(column);
    }
    return text;
}

std::string_view toString(NodeRole role) {
    switch (role) {
        case NodeRole::relay: return "relay";
        case NodeRole::terminal: return "terminal";
    }
    return "?";
}

std::string_view toString(GoneEntityMode mode) {
    switch (mode) {
        case GoneEntityMode::mark: return "mark";
        case GoneEntityMode::remove: return "remove";
    }
    return "?";
}

// 127.0.0.0/8 written as four decimal parts, "::1" or "localhost"; anything else (a name, an
// address of an interface, 0.0.0.0) may be reached from elsewhere.
bool isLoopbackHost(std::string_view host) {
    if (host == "localhost" || host == "::1") return true;
    if (host.substr(0, 4) != "127.") return false;
    int parts = 0;
    for (std::size_t at = 0; at <= host.size();) {
        const auto dot = std::min(host.find('.', at), host.size());
        const auto part = host.substr(at, dot - at);
        if (part.empty() || part.size() > 3) return false;
        for (const char c : part)
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        if (std::stoi(std::string(part)) > 255) return false;
        ++parts;
        at = dot + 1;
    }
    return parts == 4;
}

}  // namespace relaysync::core
