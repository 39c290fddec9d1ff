#pragma once
// The client side of TLS to the SIP server (transport: tls): an OpenSSL context that checks the
// server's certificate against the configured CA file and the expected server name, and may
// present a client certificate.

#include <memory>
#include <string>

#include "openssl_errors.h"

#include "sip_config.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace relaysync::transport_sip {

class TlsClient {
public:
    // Reads the CA file (and the client certificate and key). Throws std::invalid_argument whose
    // message starts with the offending key.
    explicit TlsClient(const SipConfig& config);
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    // A new SSL for a connected socket, set to check the server's name; nullptr with *error.
    SSL* newSession(int fd, std::string* error) const;
    const std::string& serverName() const { return server_name_; }
    const std::string& caFile() const { return ca_file_; }

private:
    SSL_CTX* context_ = nullptr;
    std::string server_name_;
    std::string ca_file_;
};

// OpenSSL's queued reasons for the last failure on this thread (clears the queue).
using plugin_common::opensslErrorQueue;

}  // namespace relaysync::transport_sip
