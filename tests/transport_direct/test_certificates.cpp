#include "test_certificates.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace relaysync::tests {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& text) { return "'" + text + "'"; }

void run(const std::string& arguments, const fs::path& log) {
    const std::string command =
        "bash " + quoted(RELAYSYNC_MAKE_CERTS_SCRIPT) + " " + arguments + " >>" + quoted(log.string()) + " 2>&1";
    if (std::system(command.c_str()) != 0) {
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        throw std::runtime_error("make-certs.sh failed: " + command + "\n" + text.str());
    }
}

}  // namespace

TestCertificates::TestCertificates() {
    std::string pattern = (fs::temp_directory_path() / "relaysync-direct-certs-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary folder");
    dir_ = pattern;
    fs::create_directories(scratch());
    const fs::path log = dir_ / "make-certs.log";
    run(quoted(dir_.string()) + " relay-a@net relay-b@net relay-c@net client-a@relay-a.net", log);
    run("--ca-name rogue-ca " + quoted((dir_ / "rogue").string()) + " relay-a@net client-a@relay-a.net", log);
}

TestCertificates::~TestCertificates() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

const TestCertificates& TestCertificates::get() {
    static const TestCertificates certificates;
    return certificates;
}

}  // namespace relaysync::tests
