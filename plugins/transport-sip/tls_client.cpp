#include "tls_client.h"

#include "tls_settings.h"

#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>

namespace relaysync::transport_sip {

namespace {

using tls_settings::fail;
using tls_settings::kCipherList;
using tls_settings::readable;

bool isIpAddress(const std::string& name) {
    unsigned char address[16];
    return ::inet_pton(AF_INET, name.c_str(), address) == 1 || ::inet_pton(AF_INET6, name.c_str(), address) == 1;
}

}  // namespace

TlsClient::TlsClient(const SipConfig& config) : server_name_(config.tls_server_name), ca_file_(config.ca_file) {
    ERR_clear_error();
    context_ = SSL_CTX_new(TLS_client_method());
    if (!context_) throw std::runtime_error("cannot set up TLS: " + opensslErrorQueue());
    try {
        SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
        SSL_CTX_set_cipher_list(context_, kCipherList);
        if (!readable(config.ca_file)) fail("ca", "cannot read " + config.ca_file);
        if (SSL_CTX_load_verify_locations(context_, config.ca_file.c_str(), nullptr) != 1)
            fail("ca", config.ca_file + " holds no usable PEM certificate (" + opensslErrorQueue() + ")");
        SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
        if (!config.certificate.empty()) {
            if (!readable(config.certificate)) fail("certificate", "cannot read " + config.certificate);
            if (SSL_CTX_use_certificate_chain_file(context_, config.certificate.c_str()) != 1)
                fail("certificate", config.certificate + " holds no usable PEM certificate (" + opensslErrorQueue() + ")");
            if (!readable(config.private_key)) fail("private_key", "cannot read " + config.private_key);
            if (SSL_CTX_use_PrivateKey_file(context_, config.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
                const std::string why = opensslErrorQueue();
                if (why.find("key values mismatch") != std::string::npos)
                    fail("private_key", config.private_key + " is not the key of " + config.certificate);
                fail("private_key", config.private_key + " holds no unencrypted PEM private key (" + why + ")");
            }
            if (SSL_CTX_check_private_key(context_) != 1)
                fail("private_key", config.private_key + " is not the key of " + config.certificate);
        }
    } catch (...) {
        SSL_CTX_free(context_);
        throw;
    }
}

TlsClient::~TlsClient() { SSL_CTX_free(context_); }

SSL* TlsClient::newSession(int fd, std::string* error) const {
    ERR_clear_error();
    SSL* ssl = SSL_new(context_);
    bool ok = ssl && SSL_set_fd(ssl, fd) == 1;
    if (ok) {
        // A write that had to wait may resume from a moved buffer, and may complete in parts.
        SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        if (isIpAddress(server_name_)) {
            ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name_.c_str()) == 1;
        } else {
            ok = SSL_set_tlsext_host_name(ssl, server_name_.c_str()) == 1 && SSL_set1_host(ssl, server_name_.c_str()) == 1;
        }
    }
    if (!ok) {
        *error = "cannot set up TLS: " + opensslErrorQueue();
        if (ssl) SSL_free(ssl);
        return nullptr;
    }
    SSL_set_connect_state(ssl);
    return ssl;
}

}  // namespace relaysync::transport_sip
