#include "profile/profile_error.h"

#include <utility>

namespace relaysync::core {
namespace {

std::string formatMessage(const SourcePosition& where, const std::string& key_path,
                          const std::string& problem) {
    std::string text = where.toString() + ": ";
    if (!key_path.empty()) text += key_path + ": ";
    return text + problem;
}

}  // namespace

ProfileError::ProfileError(SourcePosition where, std::string key_path, std::string problem)
    : std::runtime_error(formatMessage(where, key_path, problem)),
      position_(std::move(where)),
      key_path_(std::move(key_path)),
      problem_(std::move(problem)) {}

}  // namespace relaysync::core
