#pragma once
// A certificate revocation list as an operator installs it: a PEM file with one CRL per CA
// (scripts/make-certs.sh revoke and crl write it), each checked when read against the CA
// certificates the node trusts, so that a list signed by anyone else is refused rather than
// silently believed or ignored. Immutable once read: a new version of the file is a new CrlList.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/x509.h>

namespace relaysync::plugin_common {

class CrlList {
public:
    // Reads every PEM CRL in `crl_path`; each must be the only one of its issuer, that issuer
    // must be a CA certificate in `ca_path`, and the CRL must carry that CA's signature. Throws
    // std::runtime_error saying what is wrong, naming the files (never their content).
    static std::shared_ptr<const CrlList> load(const std::string& crl_path, const std::string& ca_path);

    ~CrlList();
    CrlList(const CrlList&) = delete;
    CrlList& operator=(const CrlList&) = delete;

    // The CRLs, for X509_STORE_CTX_set0_crls; valid as long as this list.
    STACK_OF(X509_CRL) * crls() const noexcept { return crls_; }

    // How `certificate` is revoked ("serial 4F05..., revoked 2026-11-30 08:46:52 UTC, reason
    // keyCompromise"), or nothing when the list of its issuer does not name it.
    std::optional<std::string> revocation(X509* certificate) const;

    std::size_t revokedCount() const noexcept { return revoked_count_; }
    // "2 revoked certificate(s); CN=relaysync CA ca: CRL number 3 of 2026-11-30 08:46:52 UTC"
    std::string summary() const;
    // Lists whose next update has passed, and CAs of `ca_path` without a list here (certificates
    // they sign directly are refused: OpenSSL cannot tell whether they are revoked). For a
    // warning; each a sentence.
    const std::vector<std::string>& concerns() const noexcept { return concerns_; }

private:
    CrlList() = default;

    STACK_OF(X509_CRL) * crls_ = nullptr;
    std::size_t revoked_count_ = 0;
    std::vector<std::string> concerns_;
};

// The subject of `name` on one line, RFC 2253 style ("CN=relaysync CA ca").
std::string nameText(const X509_NAME* name);

// "CN=client11@relay-server1.net, serial 4F05...": which certificate, for log lines.
std::string certificateText(X509* certificate);

}  // namespace relaysync::plugin_common
