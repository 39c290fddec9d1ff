#include "tree_generator.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace relaysync::bench {

namespace fs = std::filesystem;

namespace {

// SplitMix64: one well-mixed number per (seed, index, stream), the same everywhere.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::uint64_t draw(const TreeSpec& spec, std::size_t i, std::uint64_t stream) {
    return mix(mix(spec.seed ^ (stream << 56)) ^ i);
}

void writeFile(const fs::path& path, const TreeSpec& spec, std::size_t i, std::vector<char>& buffer) {
    const auto size = treeFileSize(spec, i);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    std::uint64_t state = draw(spec, i, 2);
    for (std::uint64_t written = 0; written < size;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size - written, buffer.size()));
        for (std::size_t at = 0; at < n; at += sizeof state) {
            state = mix(state);
            std::memcpy(buffer.data() + at, &state, std::min(sizeof state, n - at));
        }
        for (std::size_t done = 0; done < n;) {
            const auto put = ::write(fd, buffer.data() + done, n - done);
            if (put < 0 && errno == EINTR) continue;
            if (put <= 0) {
                const int err = errno;
                ::close(fd);
                throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(err));
            }
            done += static_cast<std::size_t>(put);
        }
        written += n;
    }
    ::close(fd);
}

}  // namespace

std::string TreeSpec::describe() const {
    std::ostringstream text;
    text << "files=" << files << " per_folder=" << per_folder << " depth=" << depth << " fanout=" << fanout
         << " min_bytes=" << min_bytes << " max_bytes=" << max_bytes << " seed=" << seed << " extension=" << extension;
    return text.str();
}

std::string treeFilePath(const TreeSpec& spec, std::size_t i) {
    const std::size_t folder = i / std::max<std::size_t>(1, spec.per_folder);
    std::string path;
    // The outermost level first: folder k sits in folder k / fanout of the level above.
    for (std::size_t level = spec.depth; level > 0; --level) {
        std::size_t index = folder;
        for (std::size_t up = 1; up < level; ++up) index /= std::max<std::size_t>(1, spec.fanout);
        path += "d";
        path += std::to_string(index);
        path += "/";
    }
    path += "f";
    path += std::to_string(i);
    path += spec.extension;
    return path;
}

std::uint64_t treeFileSize(const TreeSpec& spec, std::size_t i) {
    const auto low = std::min(spec.min_bytes, spec.max_bytes);
    const auto high = std::max(spec.min_bytes, spec.max_bytes);
    if (low == high) return low;
    // Log-uniform: as many files of 1-10 KiB as of 1-10 MiB, as on a real disk.
    const double unit = static_cast<double>(draw(spec, i, 1) >> 11) / static_cast<double>(1ULL << 53);
    const double from = std::log(static_cast<double>(std::max<std::uint64_t>(1, low)));
    const double to = std::log(static_cast<double>(high));
    const auto size = static_cast<std::uint64_t>(std::exp(from + unit * (to - from)));
    return std::clamp(size, low, high);
}

std::uint64_t treeBytes(const TreeSpec& spec) {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < spec.files; ++i) total += treeFileSize(spec, i);
    return total;
}

fs::path treeStamp(const fs::path& top) {
    auto stamp = top;
    stamp += ".tree-spec";
    return stamp;
}

bool makeTree(const TreeSpec& spec, const fs::path& top) {
    const auto stamp = treeStamp(top);
    {
        std::ifstream in(stamp);
        std::string written;
        if (in && std::getline(in, written) && written == spec.describe() && fs::is_directory(top)) return false;
    }
    fs::remove(stamp);
    fs::remove_all(top);
    fs::create_directories(top);
    std::vector<char> buffer(1 << 20);
    std::string folder_made;  // files come folder by folder: each folder is made once
    for (std::size_t i = 0; i < spec.files; ++i) {
        const auto relative = treeFilePath(spec, i);
        const auto slash = relative.rfind('/');
        const auto folder = slash == std::string::npos ? std::string() : relative.substr(0, slash);
        if (folder != folder_made) {
            fs::create_directories(top / folder);
            folder_made = folder;
        }
        writeFile(top / relative, spec, i, buffer);
    }
    std::ofstream(stamp) << spec.describe() << "\n";
    return true;
}

}  // namespace relaysync::bench
