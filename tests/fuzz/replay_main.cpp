// The main of a fuzz target in ordinary (non-libFuzzer) builds: runs every file named, or found
// in a folder named, through LLVMFuzzerTestOneInput once. A target fails by aborting, so under
// CTest (plain, ASan+UBSan) the seeds and regression inputs stay checked without Clang. Like
// libFuzzer's -timeout, an input that runs longer than 10 s ends the process (SIGALRM): a hang
// found once, such as yaml-cpp's that ate memory while it looped, must not come back unnoticed.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const fs::path path = argv[i];
        if (fs::is_directory(path)) {
            for (const auto& entry : fs::recursive_directory_iterator(path))
                if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
                    inputs.push_back(entry.path());
        } else if (fs::is_regular_file(path)) {
            inputs.push_back(path);
        } else {
            std::cerr << path << ": no such file or folder\n";
            return 2;
        }
    }
    if (inputs.empty()) {
        std::cerr << "usage: " << argv[0] << " FILE_OR_FOLDER...  (no inputs found)\n";
        return 2;
    }
    for (const auto& path : inputs) {
        std::ifstream file(path, std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
        std::cout << "running " << path.string() << " (" << bytes.size() << " bytes)" << std::endl;
        ::alarm(10);
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        ::alarm(0);
    }
    std::cout << inputs.size() << " inputs ran\n";
    return 0;
}
