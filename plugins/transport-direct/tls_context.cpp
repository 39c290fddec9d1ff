#include "tls_context.h"

#include <Poco/Exception.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "log_text.h"

namespace relaysync::transport_direct {

using plugin_common::loggable;

namespace {

// TLS 1.2 suites without anonymous, null or legacy ciphers; TLS 1.3 uses OpenSSL's defaults.
constexpr const char* kCipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!SHA1";

struct BioFree { void operator()(BIO* bio) const noexcept { BIO_free(bio); } };
struct X509Free { void operator()(X509* cert) const noexcept { X509_free(cert); } };
struct PkeyFree { void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); } };
struct StoreCtxFree { void operator()(X509_STORE_CTX* ctx) const noexcept { X509_STORE_CTX_free(ctx); } };
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

[[noreturn]] void fail(const char* key, const std::string& what) {
    throw std::invalid_argument(std::string(key) + ": " + what);
}

// OpenSSL's reason for the last failure on this thread, without file contents.
std::string opensslReason() {
    std::string reasons;
    while (const unsigned long code = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(code);
        if (!reasons.empty()) reasons += "; ";
        reasons += reason ? reason : "error " + std::to_string(code);
    }
    return reasons.empty() ? "no detail from OpenSSL" : reasons;
}

// OpenSSL's default would prompt on the terminal for an encrypted key; a daemon must not.
int refusePassphrase(char*, int, int, void*) { return 0; }

BioPtr openFile(const char* key, const std::string& path) {
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) fail(key, "cannot open " + path + ": " + opensslReason());
    return bio;
}

X509Ptr readFirstCertificate(const char* key, const std::string& path) {
    ERR_clear_error();
    auto bio = openFile(key, path);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, refusePassphrase, nullptr));
    if (!cert) fail(key, path + " holds no PEM certificate (" + opensslReason() + ")");
    return cert;
}

PkeyPtr readPrivateKey(const std::string& path) {
    ERR_clear_error();
    auto bio = openFile("private_key", path);
    PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr));
    if (!pkey)
        fail("private_key", path + " holds no unencrypted PEM private key (" + opensslReason() +
                                "); encrypted keys are not supported");
    return pkey;
}

std::string accountOf(X509* cert) {
    X509_NAME* subject = X509_get_subject_name(cert);
    const int index = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
    if (index < 0) throw std::runtime_error("the certificate has no subject CN");
    if (X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0)
        throw std::runtime_error("the certificate has more than one subject CN");
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
    if (length < 0) throw std::runtime_error("the certificate's CN is not a readable string");
    std::string account(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    if (account.empty() || account.find('\0') != std::string::npos)
        throw std::runtime_error("the certificate's CN is empty or contains a NUL byte");
    return account;
}

// The role from the certificate's one relaysync URI in subjectAltName.
void readRole(X509* cert, sdk::PeerIdentity& identity) {
    const std::string prefix = kRoleUriPrefix;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    std::vector<std::string> roles;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type != GEN_URI) continue;
        const auto* uri = name->d.uniformResourceIdentifier;
        std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                         static_cast<std::size_t>(ASN1_STRING_length(uri)));
        if (text.rfind(prefix, 0) == 0) roles.push_back(text.substr(prefix.size()));
    }
    GENERAL_NAMES_free(names);
    if (roles.size() != 1)
        throw std::runtime_error("the certificate of " + loggable(identity.account) + " names " +
                                 (roles.empty() ? std::string("no") : "more than one") +
                                 " relaysync role (a subjectAltName URI urn:relaysync:relay or"
                                 " urn:relaysync:terminal:<relay>; scripts/make-certs.sh writes it)");
    const std::string terminal = "terminal:";
    if (roles.front() == "relay") {
        identity.role = sdk::PeerRole::relay;
    } else if (roles.front().rfind(terminal, 0) == 0 && roles.front().size() > terminal.size()) {
        identity.role = sdk::PeerRole::terminal;
        identity.home_relay = roles.front().substr(terminal.size());
    } else {
        throw std::runtime_error("the certificate of " + loggable(identity.account) +
                                 " names an unknown relaysync role '" + loggable(roles.front()) + "'");
    }
}

sdk::PeerIdentity identityOf(X509* cert) {
    sdk::PeerIdentity identity;
    identity.account = accountOf(cert);
    readRole(cert, identity);
    return identity;
}

void checkValidNow(X509* cert, const std::string& path) {
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) fail("certificate", path + " is not valid yet");
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) fail("certificate", path + " has expired");
}

int countCertificates(const std::string& path) {
    ERR_clear_error();
    auto bio = openFile("ca", path);
    int count = 0;
    while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, refusePassphrase, nullptr)}) ++count;
    ERR_clear_error();  // the read that ended the loop
    return count;
}

// Our own certificate must pass the check our peers will make, or every connection fails later
// with a vaguer message.
void checkSignedByCa(SSL_CTX* ctx, X509* cert, const DirectConfig& config) {
    std::unique_ptr<X509_STORE_CTX, StoreCtxFree> check(X509_STORE_CTX_new());
    STACK_OF(X509)* chain = nullptr;
    SSL_CTX_get0_chain_certs(ctx, &chain);
    if (!check || X509_STORE_CTX_init(check.get(), SSL_CTX_get_cert_store(ctx), cert, chain) != 1)
        throw std::runtime_error("cannot check the certificate: " + opensslReason());
    if (X509_verify_cert(check.get()) != 1)
        fail("certificate", config.certificate + " is not accepted by the CA in " + config.ca + ": " +
                                X509_verify_cert_error_string(X509_STORE_CTX_get_error(check.get())));
}

Poco::Net::Context::Ptr makeContext(Poco::Net::Context::Usage usage, const DirectConfig& config, EVP_PKEY* key,
                                    const Revocations* revocations) {
    Poco::Net::Context::Params params;
    params.caLocation = config.ca;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    params.cipherList = kCipherList;
    Poco::Net::Context::Ptr context;
    try {
        context = new Poco::Net::Context(usage, params);
    } catch (const Poco::Exception& e) {
        fail("ca", "cannot use " + config.ca + ": " + e.displayText());
    }
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->enableExtendedCertificateVerification(false);

    SSL_CTX* ctx = context->sslContext();
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(ctx, config.certificate.c_str()) != 1)
        fail("certificate", "cannot use " + config.certificate + ": " + opensslReason());
    if (SSL_CTX_use_PrivateKey(ctx, key) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        fail("private_key", config.private_key + " is not the key of " + config.certificate + " (" +
                                opensslReason() + ")");
    // OpenSSL's own verification, without Poco's callback: that one consults the process-wide
    // SSLManager, where another component may have installed a handler that accepts anything.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    if (revocations) plugin_common::checkPeersAgainstCrl(ctx, revocations->source());
    // No session resumption: every connection proves its certificate afresh.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_num_tickets(ctx, 0);
    return context;
}

}  // namespace

TlsContexts makeTlsContexts(const DirectConfig& config) {
    TlsContexts made;
    const X509Ptr own = readFirstCertificate("certificate", config.certificate);
    checkValidNow(own.get(), config.certificate);
    try {
        made.own = identityOf(own.get());
    } catch (const std::runtime_error& e) {
        fail("certificate", config.certificate + ": " + e.what());
    }
    const PkeyPtr key = readPrivateKey(config.private_key);
    if (countCertificates(config.ca) == 0) fail("ca", config.ca + " holds no PEM certificate");

    if (!config.crl.empty()) {
        made.revocations = std::make_shared<Revocations>(config.crl, config.ca,
                                                         Poco::Logger::get("relaysync.transport.direct"));
        // A node whose own certificate is revoked would be refused by every peer, for a reason
        // only their logs tell.
        if (const auto how = made.revocations->revocation(own.get()))
            fail("certificate", config.certificate + " is revoked by the list in " + config.crl + " (" + *how + ")");
    }
    made.client = makeContext(Poco::Net::Context::TLS_CLIENT_USE, config, key.get(), made.revocations.get());
    made.server = makeContext(Poco::Net::Context::TLS_SERVER_USE, config, key.get(), made.revocations.get());
    checkSignedByCa(made.server->sslContext(), own.get(), config);
    return made;
}

std::shared_ptr<X509> peerCertificate(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) {
        X509_free(cert);
        return nullptr;
    }
    return std::shared_ptr<X509>(cert, X509_free);
}

sdk::PeerIdentity peerIdentity(SSL* ssl) {
    X509Ptr cert(SSL_get1_peer_certificate(ssl));
    if (!cert) throw std::runtime_error("the peer presented no certificate");
    if (SSL_get_verify_result(ssl) != X509_V_OK) throw std::runtime_error("the peer's certificate is not verified");
    return identityOf(cert.get());
}

}  // namespace relaysync::transport_direct
