#include "store_path.h"

#include <algorithm>

namespace storage_archive {

namespace sdk = relaysync::sdk;

sdk::Status splitStorePath(const std::string& path, std::vector<std::string>& components) {
    components.clear();
    if (path.empty()) return sdk::Status::ok();
    const auto refuse = [&](const char* why) {
        return sdk::Status::invalidArgument("path '" + path + "' " + why);
    };
    if (path.find('\0') != std::string::npos) return sdk::Status::invalidArgument("a path contains a NUL byte");
    if (path.front() == '/') return refuse("is absolute; store paths are relative to the archive's root");
    std::string::size_type start = 0;
    for (;;) {
        const auto end = path.find('/', start);
        const auto component = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (component.empty()) return refuse("has an empty component");
        if (component == ".") return refuse("has a '.' component");
        if (component == "..") return refuse("has a '..' component");
        components.push_back(component);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return sdk::Status::ok();
}

bool splitMemberName(std::string_view name, std::vector<std::string>& components) {
    components.clear();
    if (name.empty() || name.front() == '/' || name.find('\0') != std::string_view::npos) return false;
    std::string_view::size_type start = 0;
    while (start <= name.size()) {
        const auto end = std::min(name.find('/', start), name.size());
        const auto component = name.substr(start, end - start);
        if (component == "..") return false;
        if (!component.empty() && component != ".") components.emplace_back(component);
        start = end + 1;
    }
    return true;
}

std::string joinPath(const std::vector<std::string>& components, std::size_t count) {
    std::string path;
    for (std::size_t i = 0; i < count && i < components.size(); ++i) {
        if (i) path += '/';
        path += components[i];
    }
    return path;
}

std::string joinPath(const std::vector<std::string>& components) { return joinPath(components, components.size()); }

std::string childPath(const std::string& folder, const std::string& name) {
    return folder.empty() ? name : folder + "/" + name;
}

}  // namespace storage_archive
