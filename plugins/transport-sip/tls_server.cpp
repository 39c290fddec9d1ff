#include "tls_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <stdexcept>

#include "openssl_errors.h"
#include "tls_settings.h"

namespace relaysync::transport_sip {

namespace {

using tls_settings::fail;
using tls_settings::kCipherList;
using tls_settings::readable;

}  // namespace

TlsServer::TlsServer(const std::string& certificate, const std::string& private_key) {
    using plugin_common::opensslErrorQueue;
    ERR_clear_error();
    context_ = SSL_CTX_new(TLS_server_method());
    if (!context_) throw std::runtime_error("cannot set up TLS: " + opensslErrorQueue());
    try {
        SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
        SSL_CTX_set_cipher_list(context_, kCipherList);
        if (!readable(certificate)) fail("lan_certificate", "cannot read " + certificate);
        if (SSL_CTX_use_certificate_chain_file(context_, certificate.c_str()) != 1)
            fail("lan_certificate", certificate + " holds no usable PEM certificate (" + opensslErrorQueue() + ")");
        if (!readable(private_key)) fail("lan_private_key", "cannot read " + private_key);
        if (SSL_CTX_use_PrivateKey_file(context_, private_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(context_) != 1)
            fail("lan_private_key", private_key + " is not an unencrypted PEM key of " + certificate + " (" +
                                        opensslErrorQueue() + ")");
    } catch (...) {
        SSL_CTX_free(context_);
        throw;
    }
}

TlsServer::~TlsServer() { SSL_CTX_free(context_); }

SSL* TlsServer::newSession(int fd, std::string* error) const {
    ERR_clear_error();
    SSL* ssl = SSL_new(context_);
    if (!ssl || SSL_set_fd(ssl, fd) != 1) {
        *error = "cannot set up TLS: " + plugin_common::opensslErrorQueue();
        if (ssl) SSL_free(ssl);
        return nullptr;
    }
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_accept_state(ssl);
    return ssl;
}

}  // namespace relaysync::transport_sip
