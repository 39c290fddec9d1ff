#include "crl_list.h"

#include <ctime>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "log_text.h"
#include "openssl_errors.h"

namespace relaysync::plugin_common {

namespace {

struct BioFree { void operator()(BIO* bio) const noexcept { BIO_free(bio); } };
struct CrlFree { void operator()(X509_CRL* crl) const noexcept { X509_CRL_free(crl); } };
struct CertsFree { void operator()(STACK_OF(X509) * certs) const noexcept { sk_X509_pop_free(certs, X509_free); } };
using BioPtr = std::unique_ptr<BIO, BioFree>;
using CrlPtr = std::unique_ptr<X509_CRL, CrlFree>;
using CertsPtr = std::unique_ptr<STACK_OF(X509), CertsFree>;

// A daemon must never stop to ask for a passphrase on the terminal.
int refusePassphrase(char*, int, int, void*) { return 0; }

BioPtr openFile(const std::string& path) {
    ERR_clear_error();
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) throw std::runtime_error("cannot open " + path + ": " + opensslErrorQueue());
    return bio;
}

// Whether the last PEM read ended at the end of the file rather than at a damaged block.
bool endOfPem() {
    const unsigned long last = ERR_peek_last_error();
    const bool clean = last == 0 || (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE);
    if (clean) ERR_clear_error();
    return clean;
}

CertsPtr readCas(const std::string& path) {
    auto bio = openFile(path);
    CertsPtr cas(sk_X509_new_null());
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, refusePassphrase, nullptr)) sk_X509_push(cas.get(), cert);
    if (!endOfPem() || sk_X509_num(cas.get()) == 0)
        throw std::runtime_error(path + " (the CA file) holds no readable PEM certificate");
    return cas;
}

std::string timeText(const ASN1_TIME* time) {
    std::tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) return "an unreadable time";
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts);
    return text;
}

std::string reasonText(const X509_REVOKED* entry) {
    int critical = 0;
    auto* code = static_cast<ASN1_ENUMERATED*>(
        X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &critical, nullptr));
    if (!code) return "unspecified";
    const long value = ASN1_ENUMERATED_get(code);
    ASN1_ENUMERATED_free(code);
    static const char* const kNames[] = {"unspecified",        "keyCompromise",  "cACompromise", "affiliationChanged",
                                         "superseded",         "cessationOfOperation", "certificateHold", "(7)",
                                         "removeFromCRL",      "privilegeWithdrawn",   "aACompromise"};
    return value >= 0 && value < static_cast<long>(std::size(kNames)) ? kNames[value] : "(" + std::to_string(value) + ")";
}

// Serial numbers in hexadecimal, as openssl prints them; CRL numbers in decimal.
std::string integerText(const ASN1_INTEGER* integer, bool hex) {
    BIGNUM* number = ASN1_INTEGER_to_BN(integer, nullptr);
    char* digits = number ? (hex ? BN_bn2hex(number) : BN_bn2dec(number)) : nullptr;
    std::string text = digits ? digits : "?";
    OPENSSL_free(digits);
    BN_free(number);
    return text;
}

// The CA of `cas` whose subject issued `crl`, or nullptr.
X509* issuerOf(X509_CRL* crl, STACK_OF(X509) * cas) {
    for (int i = 0; i < sk_X509_num(cas); ++i)
        if (X509_NAME_cmp(X509_get_subject_name(sk_X509_value(cas, i)), X509_CRL_get_issuer(crl)) == 0)
            return sk_X509_value(cas, i);
    return nullptr;
}

}  // namespace

std::string nameText(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "(unreadable name)";
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return loggable(std::string(data, static_cast<std::size_t>(length)));
}

std::string certificateText(X509* certificate) {
    return nameText(X509_get_subject_name(certificate)) + ", serial " + integerText(X509_get0_serialNumber(certificate), true);
}

std::shared_ptr<const CrlList> CrlList::load(const std::string& crl_path, const std::string& ca_path) {
    const CertsPtr cas = readCas(ca_path);
    std::shared_ptr<CrlList> list(new CrlList);
    list->crls_ = sk_X509_CRL_new_null();
    if (!list->crls_) throw std::runtime_error("out of memory reading " + crl_path);

    auto bio = openFile(crl_path);
    while (CrlPtr crl{PEM_read_bio_X509_CRL(bio.get(), nullptr, refusePassphrase, nullptr)}) {
        const std::string issuer = nameText(X509_CRL_get_issuer(crl.get()));
        X509* ca = issuerOf(crl.get(), cas.get());
        if (!ca) throw std::runtime_error(crl_path + ": the list of " + issuer + " is not from a CA in " + ca_path);
        if (X509_CRL_verify(crl.get(), X509_get0_pubkey(ca)) != 1) {
            ERR_clear_error();
            throw std::runtime_error(crl_path + ": the list of " + issuer + " does not carry the signature of that CA in " +
                                     ca_path);
        }
        for (int i = 0; i < sk_X509_CRL_num(list->crls_); ++i)
            if (X509_NAME_cmp(X509_CRL_get_issuer(sk_X509_CRL_value(list->crls_, i)), X509_CRL_get_issuer(crl.get())) == 0)
                throw std::runtime_error(crl_path + " holds two lists of " + issuer + ": keep only the newest");
        if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get()); next && X509_cmp_current_time(next) < 0)
            list->concerns_.push_back("the list of " + issuer + " was due to be renewed on " + timeText(next) +
                                      "; it is still applied: make a fresh one (make-certs.sh crl)");
        const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
        list->revoked_count_ += static_cast<std::size_t>(revoked ? sk_X509_REVOKED_num(revoked) : 0);
        sk_X509_CRL_push(list->crls_, crl.release());
    }
    if (!endOfPem())
        throw std::runtime_error(crl_path + " holds a damaged PEM block (" + opensslErrorQueue() +
                                 "): it may still be being written");
    if (sk_X509_CRL_num(list->crls_) == 0)
        throw std::runtime_error(crl_path + " holds no PEM revocation list (X509 CRL); scripts/make-certs.sh crl makes one");
    for (int i = 0; i < sk_X509_num(cas.get()); ++i) {
        X509* ca = sk_X509_value(cas.get(), i);
        bool listed = false;
        for (int j = 0; j < sk_X509_CRL_num(list->crls_); ++j)
            listed = listed || X509_NAME_cmp(X509_get_subject_name(ca), X509_CRL_get_issuer(sk_X509_CRL_value(list->crls_, j))) == 0;
        if (!listed)
            list->concerns_.push_back(crl_path + " holds no list of the CA " + nameText(X509_get_subject_name(ca)) +
                                      " in " + ca_path + ": certificates that CA signs directly are refused");
    }
    return list;
}

CrlList::~CrlList() { sk_X509_CRL_pop_free(crls_, X509_CRL_free); }

std::optional<std::string> CrlList::revocation(X509* certificate) const {
    for (int i = 0; i < sk_X509_CRL_num(crls_); ++i) {
        X509_CRL* crl = sk_X509_CRL_value(crls_, i);
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(certificate)) != 0) continue;
        X509_REVOKED* entry = nullptr;
        if (X509_CRL_get0_by_cert(crl, &entry, certificate) == 1 && entry)
            return "serial " + integerText(X509_REVOKED_get0_serialNumber(entry), true) + ", revoked " +
                   timeText(X509_REVOKED_get0_revocationDate(entry)) + ", reason " + reasonText(entry);
    }
    return std::nullopt;
}

std::string CrlList::summary() const {
    std::string text = std::to_string(revoked_count_) + " revoked certificate(s)";
    for (int i = 0; i < sk_X509_CRL_num(crls_); ++i) {
        X509_CRL* crl = sk_X509_CRL_value(crls_, i);
        text += i == 0 ? "; " : ", ";
        text += nameText(X509_CRL_get_issuer(crl)) + ": ";
        if (auto* number = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr))) {
            text += "CRL number " + integerText(number, false) + " of ";
            ASN1_INTEGER_free(number);
        } else {
            text += "list of ";
        }
        text += timeText(X509_CRL_get0_lastUpdate(crl));
    }
    return text;
}

}  // namespace relaysync::plugin_common
