#include "crl_file.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>

namespace relaysync::plugin_common {

CrlFile::CrlFile(std::string crl_path, std::string ca_path)
    : crl_path_(std::move(crl_path)), ca_path_(std::move(ca_path)) {
    // Looked at before reading: a change while it is read is then seen at the next refresh().
    seen_ = look();
    current_ = CrlList::load(crl_path_, ca_path_);
}

CrlFile::Stamp CrlFile::look() const {
    struct stat info {};
    if (::stat(crl_path_.c_str(), &info) != 0) return {false, errno};
    constexpr std::int64_t kNs = 1'000'000'000;
    return {true, 0,
            static_cast<std::uint64_t>(info.st_dev),
            static_cast<std::uint64_t>(info.st_ino),
            static_cast<std::uint64_t>(info.st_size),
            static_cast<std::int64_t>(info.st_mtim.tv_sec) * kNs + info.st_mtim.tv_nsec,
            static_cast<std::int64_t>(info.st_ctim.tv_sec) * kNs + info.st_ctim.tv_nsec};
}

std::shared_ptr<const CrlList> CrlFile::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

std::uint64_t CrlFile::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

CrlFile::Change CrlFile::refresh() {
    std::lock_guard lock(mutex_);
    const Stamp now = look();
    if (now == seen_) return {};
    seen_ = now;
    const std::string kept = "; the previous list stays in force (" + current_->summary() + ")";
    if (!now.present)
        return {Change::Kind::unusable, crl_path_ + " cannot be read: " + std::strerror(now.error) + kept};
    try {
        current_ = CrlList::load(crl_path_, ca_path_);
    } catch (const std::exception& e) {
        return {Change::Kind::unusable, e.what() + kept};
    }
    ++generation_;
    return {Change::Kind::reloaded, current_->summary()};
}

}  // namespace relaysync::plugin_common
