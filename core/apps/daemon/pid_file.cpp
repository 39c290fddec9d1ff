#include "pid_file.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace relaysync::core {

PidFile::PidFile(std::string path) : path_(std::move(path)) {
    std::ofstream out(path_, std::ios::trunc);
    out << ::getpid() << "\n";
    out.close();
    if (!out) throw std::runtime_error("--pidfile: cannot write " + path_);
}

PidFile::~PidFile() { std::remove(path_.c_str()); }

}  // namespace relaysync::core
