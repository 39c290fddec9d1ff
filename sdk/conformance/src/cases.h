#pragma once
// The cases, one function each, grouped in files by what they check; run.cpp lists them in the
// order they run.

#include <map>
#include <string>

#include "case_context.h"
#include "relaysync/sdk/entity.h"

namespace relaysync::sdk::conformance {

using CaseBody = void (*)(CaseContext&);

struct CaseDefinition {
    const char* name;
    const char* summary;
    CaseBody body;
};

const std::vector<CaseDefinition>& caseDefinitions();

// probe_cases.cpp
void probeStable(CaseContext& c);
// capability_cases.cpp
void capabilityContent(CaseContext& c);
void capabilityListDetails(CaseContext& c);
void capabilityEntityIdentity(CaseContext& c);
// stat_cases.cpp
void statRoot(CaseContext& c);
void statFiles(CaseContext& c);
void statFolders(CaseContext& c);
// list_cases.cpp
void listNames(CaseContext& c);
// Fails the case unless list(folder) gives exactly `expected` (name -> kind).
void expectListing(CaseContext& c, const std::string& folder, const std::map<std::string, EntityKind>& expected);
void listFileIsNotAFolder(CaseContext& c);
// read_cases.cpp
void readWhole(CaseContext& c);
// Fails the case unless `path`, read in chunks of `chunk` bytes, gives `expected`.
void expectContent(CaseContext& c, const std::string& path, const std::string& expected, std::size_t chunk);
void readBounds(CaseContext& c);
void readFolderIsNotAFile(CaseContext& c);
// output_cases.cpp
void outputsReplaced(CaseContext& c);
// path_cases.cpp
void pathsNotFound(CaseContext& c);
void pathsInvalid(CaseContext& c);
// symlink_cases.cpp
void symlinksInside(CaseContext& c);
void symlinksOutside(CaseContext& c);
void symlinksLoop(CaseContext& c);
// deadline_cases.cpp
void deadlineExpired(CaseContext& c);
// concurrency_cases.cpp
void concurrencyThreads(CaseContext& c);
// root_cases.cpp
void rootRemoved(CaseContext& c);
void rootReplaced(CaseContext& c);

}  // namespace relaysync::sdk::conformance
