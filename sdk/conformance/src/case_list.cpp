// The cases in the order they run: cheap and basic first, so that the first failure shown is
// the most basic one; the root cases last, because they disturb the root.

#include "cases.h"

namespace relaysync::sdk::conformance {

const std::vector<CaseDefinition>& caseDefinitions() {
    static const std::vector<CaseDefinition> cases{
        {"probe.stable",
         "probe answers ok, with the same identity each time (non-empty with root_identity)",
         probeStable},
        {"capabilities.content",
         "read works with the content capability, is invalid_argument without",
         capabilityContent},
        {"capabilities.list_details",
         "with list_details, listed items carry stat's details (and identity)",
         capabilityListDetails},
        {"capabilities.entity_identity",
         "with entity_identity, stat gives each entity a known identity, stable and distinct",
         capabilityEntityIdentity},
        {"stat.root", "stat '' is a folder of 0 bytes with a plausible time", statRoot},
        {"stat.files", "stat of each file: kind, exact size, plausible time, no hash", statFiles},
        {"stat.folders", "stat of each folder: kind, size 0, plausible time", statFolders},
        {"list.names",
         "list of each folder: exactly the expected names and kinds, no '.', '..' or duplicates",
         listNames},
        {"list.file_is_not_a_folder",
         "list of a file is an error, neither not_found nor unreachable",
         listFileIsNotAFolder},
        {"read.whole", "each file read in chunks (64 KiB, 4093 B, one call) is its exact content", readWhole},
        {"read.bounds",
         "reads at and past the end, at the largest offset, of 0 and of the largest max_bytes",
         readBounds},
        {"read.folder_is_not_a_file",
         "read of a folder is an error, neither not_found nor unreachable",
         readFolderIsNotAFile},
        {"outputs.replaced", "output parameters are replaced, not appended to", outputsReplaced},
        {"paths.not_found",
         "missing names (also below a missing folder or a file) are not_found for stat, list, read",
         pathsNotFound},
        {"paths.invalid", "absolute, '..', empty or '.' components, trailing '/', NUL: invalid_argument", pathsInvalid},
        {"symlinks.inside", "a link inside the root is reported, listed and read as its target", symlinksInside},
        {"symlinks.outside",
         "a link out of the root is invalid_argument (also below it) and left out of listings",
         symlinksOutside},
        {"symlinks.loop", "a loop of links is io_error, promptly, and left out of listings", symlinksLoop},
        {"deadline.expired", "with an expired deadline every method answers unreachable, promptly", deadlineExpired},
        {"concurrency.threads",
         "calls from several threads at once give the single-threaded answers",
         concurrencyThreads},
        {"root.removed",
         "with the root gone, probe, stat, list and read answer unreachable, never not_found",
         rootRemoved},
        {"root.replaced", "with another folder in the root's place, probe reports another identity", rootReplaced},
    };
    return cases;
}

const std::vector<CaseInfo>& conformanceCases() {
    static const std::vector<CaseInfo> infos = [] {
        std::vector<CaseInfo> list;
        for (const auto& c : caseDefinitions()) list.push_back({c.name, c.summary});
        return list;
    }();
    return infos;
}

}  // namespace relaysync::sdk::conformance
