#include "profile/profile.h"

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

}  // namespace relaysync::core
