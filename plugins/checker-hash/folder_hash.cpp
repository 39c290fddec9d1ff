#include "folder_hash.h"

#include <algorithm>
#include <map>
#include <vector>

#include "percent_escape.h"

namespace relaysync::checker_hash {

namespace {

std::string parentOf(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string nameOf(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::size_t depthOf(const std::string& path) { return 1 + static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')); }

std::string line(const char* kind, const std::string& path, const std::string& hash) {
    std::string text = kind;
    text += '\t';
    text += encodeName(nameOf(path));
    text += '\t';
    text += hash;
    text += '\n';
    return text;
}

}  // namespace

std::string encodeName(const std::string& name) {
    return percentEscape(name, [](unsigned char byte) { return byte < 0x20 || byte == 0x7f; });
}

std::string folderHash(const sdk::FolderContents& beneath, const std::function<std::string(const std::string&)>& digest) {
    // The lines of each folder's items, by the folder's path below the top ("" is the top).
    std::map<std::string, std::vector<std::string>> lines;
    lines[""];
    for (const auto& entry : beneath)
        if (entry.details.kind == sdk::EntityKind::folder) lines[entry.path];
        else lines[parentOf(entry.path)].push_back(line("file", entry.path, entry.details.hash));
    // Every folder on the way to an item is a folder of the tree, listed or not.
    std::vector<std::string> folders;
    for (const auto& [path, unused] : lines) folders.push_back(path);
    for (const auto& path : folders)
        for (auto up = path; !up.empty();) lines[up = parentOf(up)];
    folders.clear();
    for (const auto& [path, unused] : lines)
        if (!path.empty()) folders.push_back(path);
    // Deepest first: a folder's line needs its own hash, which needs its items' lines.
    std::stable_sort(folders.begin(), folders.end(), [](const auto& a, const auto& b) { return depthOf(a) > depthOf(b); });
    const auto hashOf = [&](std::vector<std::string>& items) {
        std::sort(items.begin(), items.end());
        std::string text;
        for (const auto& item : items) text += item;
        return digest(text);
    };
    for (const auto& path : folders) lines[parentOf(path)].push_back(line("folder", path, hashOf(lines[path])));
    return hashOf(lines[""]);
}

}  // namespace relaysync::checker_hash
