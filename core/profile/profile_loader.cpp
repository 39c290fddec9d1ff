#include "profile/profile_loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
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

// Notes where each document starts; nothing else.
class DocumentStarts : public YAML::EventHandler {
public:
    std::optional<YAML::Mark> last;
    bool stalled = false;  // a document started where the one before it did

    void OnDocumentStart(const YAML::Mark& mark) override {
        stalled = last && last->pos == mark.pos;
        last = mark;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// yaml-cpp 0.7's LoadAll never returns on a ',' outside brackets (",", "[a]\n,"): its parser
// reads an empty document there, again and again, without moving on, and memory grows until
// the process dies. Walk the documents first and stop at one that makes no progress.
void refuseStalledDocuments(const std::string& yaml_text, const YamlSource& positions) {
    std::istringstream input(yaml_text);
    YAML::Parser parser(input);
    DocumentStarts starts;
    while (parser.HandleNextDocument(starts)) {
        if (!starts.stalled) continue;
        const auto pos = static_cast<std::size_t>(starts.last->pos);
        const char c = pos < yaml_text.size() ? yaml_text[pos] : '\0';
        throw ProfileError(positions.at(*starts.last), "",
                           c > ' ' && c < 0x7f ? std::string("YAML syntax error: unexpected '") + c + "'"
                                               : std::string("YAML syntax error: unexpected character"));
    }
}

YAML::Node parseSingleDocument(const std::string& yaml_text, const std::string& source_name) {
    const YamlSource positions{source_name, {}};
    std::vector<YAML::Node> documents;
    try {
        refuseStalledDocuments(yaml_text, positions);
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

AdminSocketFields loadAdminSocketFields(const std::string& path) {
    return loadAdminSocketFields(path, processEnvironment());
}

AdminSocketFields loadAdminSocketFields(const std::string& path, const EnvironmentLookup& environment) {
    const YAML::Node root = parseSingleDocument(readWholeFile(path), path);
    const YamlSource source{path, environment};
    const YamlMapping document = YamlField::document(root, source).mapping();
    AdminSocketFields fields;
    if (const auto admin = document.find("admin")) {
        const YamlMapping settings = admin->mapping();
        if (const auto socket = settings.find("socket")) fields.admin_socket = socket->nonEmptyText();
    }
    // The database only matters when the socket is not named: its ${VAR}s need not be set.
    if (fields.admin_socket.empty())
        if (const auto database = document.find("database")) fields.database = database->nonEmptyText();
    return fields;
}

}  // namespace relaysync::core
