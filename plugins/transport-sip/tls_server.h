#pragma once
// The server side of TLS on the site registrar's listener (lan_transport: tls): the relay's
// certificate and key; terminals check it against their `ca`. Digest authentication, not a
// client certificate, proves a terminal.

#include <string>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace relaysync::transport_sip {

class TlsServer {
public:
    // Reads the certificate and key. Throws std::invalid_argument starting with the key's name.
    TlsServer(const std::string& certificate, const std::string& private_key);
    ~TlsServer();
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    // A new SSL in accept state for an accepted, non-blocking socket; nullptr with *error.
    SSL* newSession(int fd, std::string* error) const;

private:
    SSL_CTX* context_ = nullptr;
};

}  // namespace relaysync::transport_sip
