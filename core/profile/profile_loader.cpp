#include "profile/profile_loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <yaml-cpp/yaml.h>

#include "profile/profile_reader.h"
#include "profile/yaml_field.h"

namespace relaysync::core {
namespace {

std::string readWholeFile(const std::string& path) {
    const SourcePosition where{path, 0, 0};
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) throw ProfileError(where, "", std::string("cannot open: ") + std::strerror(errno));
    std::string text;
    char buffer[8192];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, got);
    if (std::ferror(file.get())) {
        throw ProfileError(where, "", std::string("cannot read: ") + std::strerror(errno));
    }
    return text;
}

YAML::Node parseSingleDocument(const std::string& yaml_text, const std::string& source_name) {
    const YamlSource positions{source_name, {}};
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(yaml_text);
    } catch (const YAML::Exception& e) {
        throw ProfileError(positions.at(e.mark), "", "YAML syntax error: " + e.msg);
    }
    if (documents.empty()) {
        throw ProfileError(positions.at(YAML::Mark::null_mark()), "",
                           "the profile is empty (expected 'relaysync: 1' and the node's keys)");
    }
    if (documents.size() > 1) {
        throw ProfileError(positions.at(documents[1].Mark()), "",
                           "a profile holds one YAML document, found " +
                               std::to_string(documents.size()) + " ('---' separators)");
    }
    return documents.front();
}

}  // namespace

Profile loadProfile(const std::string& path) { return loadProfile(path, processEnvironment()); }

Profile loadProfile(const std::string& path, const EnvironmentLookup& environment) {
    return parseProfile(readWholeFile(path), path, environment);
}

Profile parseProfile(const std::string& yaml_text, const std::string& source_name) {
    return parseProfile(yaml_text, source_name, processEnvironment());
}

Profile parseProfile(const std::string& yaml_text, const std::string& source_name,
                     const EnvironmentLookup& environment) {
    const YAML::Node root = parseSingleDocument(yaml_text, source_name);
    const YamlSource source{source_name, environment};
    Profile profile = readProfile(YamlField::document(root, source));
    profile.source = source_name;
    return profile;
}

}  // namespace relaysync::core
