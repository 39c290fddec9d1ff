#pragma once
// The `crl` setting at work: the revocation list file, checked by every TLS handshake (both
// contexts ask it through plugin_common::checkPeersAgainstCrl) and looked at again for changes
// before each, and by the transport's supervisor every turn, so that a replaced file takes
// effect at once. Each new version is logged; one that cannot be used is logged and the last
// good list stays in force.

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <Poco/Logger.h>

#include "crl_file.h"
#include "tls_crl_check.h"

namespace relaysync::transport_direct {

class Revocations {
public:
    // Reads `crl_path` (its lists must come from CAs in `ca_path`). Throws std::invalid_argument
    // starting with "crl: " when it cannot be used.
    Revocations(const std::string& crl_path, const std::string& ca_path, Poco::Logger& log);
    Revocations(const Revocations&) = delete;
    Revocations& operator=(const Revocations&) = delete;

    // The list in force, after reading the file again if it changed. Any thread.
    std::shared_ptr<const plugin_common::CrlList> current();
    // Counts the versions taken into force: when it moves, established peers are checked again.
    std::uint64_t generation() const { return file_.generation(); }
    // How `certificate` is revoked by the list in force, or nothing.
    std::optional<std::string> revocation(X509* certificate) { return current()->revocation(certificate); }

    const std::string& path() const noexcept { return file_.path(); }
    // What the TLS contexts ask, for checkPeersAgainstCrl.
    const plugin_common::CrlSource* source() const noexcept { return &source_; }

private:
    plugin_common::CrlFile file_;
    Poco::Logger& log_;
    const plugin_common::CrlSource source_;
};

}  // namespace relaysync::transport_direct
