#include "tls_crl_check.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace relaysync::plugin_common {

namespace {

void freeNote(void*, void* note, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<std::string*>(note); }

// Where an SSL keeps the description of its revoked peer, until it is freed.
int noteIndex() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, freeNote);
    return index;
}

// OpenSSL refuses a list past its next update. These lists come from the operator's own files,
// not from a server an attacker could replay an old list from, so a list that is overdue still
// counts (CrlList reports it when it is read); every other verdict stands.
int tolerateOverdueList(int ok, X509_STORE_CTX* store) {
    if (ok) return ok;
    const int error = X509_STORE_CTX_get_error(store);
    if (error != X509_V_ERR_CRL_HAS_EXPIRED && error != X509_V_ERR_CRL_NOT_YET_VALID) return ok;
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
}

void noteRevokedPeer(X509_STORE_CTX* store, const CrlList& list) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    X509* certificate = X509_STORE_CTX_get_current_cert(store);
    if (!ssl || !certificate || noteIndex() < 0) return;
    std::string text = nameText(X509_get_subject_name(certificate));
    const auto how = list.revocation(certificate);
    text += how ? ", " + *how : ", serial unknown";
    delete static_cast<std::string*>(SSL_get_ex_data(ssl, noteIndex()));
    SSL_set_ex_data(ssl, noteIndex(), new std::string(std::move(text)));
}

int verifyWithCrl(X509_STORE_CTX* store, void* argument) {
    const auto& source = *static_cast<const CrlSource*>(argument);
    std::shared_ptr<const CrlList> list;
    try {
        list = source();
    } catch (...) {
    }
    if (!list) {  // never verify without the list: refuse instead
        X509_STORE_CTX_set_error(store, X509_V_ERR_UNABLE_TO_GET_CRL);
        return 0;
    }
    X509_STORE_CTX_set0_crls(store, list->crls());
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(store), X509_V_FLAG_CRL_CHECK);
    X509_STORE_CTX_set_verify_cb(store, tolerateOverdueList);
    const int verified = X509_verify_cert(store);
    if (verified != 1 && X509_STORE_CTX_get_error(store) == X509_V_ERR_CERT_REVOKED) noteRevokedPeer(store, *list);
    X509_STORE_CTX_set0_crls(store, nullptr);  // `list` goes when this returns
    return verified;
}

}  // namespace

void checkPeersAgainstCrl(SSL_CTX* context, const CrlSource* source) {
    SSL_CTX_set_cert_verify_callback(context, verifyWithCrl, const_cast<CrlSource*>(source));
}

std::string revokedPeer(const SSL* ssl) {
    if (noteIndex() < 0) return {};
    const auto* note = static_cast<const std::string*>(SSL_get_ex_data(ssl, noteIndex()));
    return note ? *note : std::string();
}

}  // namespace relaysync::plugin_common
