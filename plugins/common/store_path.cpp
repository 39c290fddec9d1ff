#include "store_path.h"

#include <algorithm>

namespace relaysync::plugin_common {

std::vector<std::string> splitOnSlash(const std::string& text) {
    std::vector<std::string> parts;
    std::string::size_type begin = 0;
    while (begin <= text.size()) {
        const auto end = std::min(text.find('/', begin), text.size());
        parts.emplace_back(text, begin, end - begin);
        begin = end + 1;
    }
    return parts;
}

std::string quoted(const std::string& path) { return path.empty() ? std::string("the root") : "'" + path + "'"; }

sdk::Status splitStorePath(const std::string& path, std::vector<std::string>& components) {
    components.clear();
    if (path.empty()) return sdk::Status::ok();
    if (path.find('\0') != std::string::npos)
        return sdk::Status::invalidArgument("a store path cannot contain a NUL byte");
    if (path.front() == '/')
        return sdk::Status::invalidArgument(quoted(path) + " is absolute; store paths are relative to the root");
    for (auto& part : splitOnSlash(path)) {
        if (part == "..")
            return sdk::Status::invalidArgument(quoted(path) + " contains '..'");
        if (part.empty() || part == ".")
            return sdk::Status::invalidArgument(
                quoted(path) + " has an empty or '.' component; write it as 'a/b', without '//', './' or a trailing '/'");
        components.push_back(std::move(part));
    }
    return sdk::Status::ok();
}

}  // namespace relaysync::plugin_common
