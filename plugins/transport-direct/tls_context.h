#pragma once
// The TLS side of a node's identity: its certificate and key, and the CA every peer's
// certificate must be signed by. Built once, from the PEM files named in the config.

#include <memory>
#include <string>

#include <Poco/Net/Context.h>

#include "direct_config.h"
#include "relaysync/sdk/transport.h"
#include "revocations.h"

typedef struct ssl_st SSL;
typedef struct x509_st X509;

namespace relaysync::transport_direct {

struct TlsContexts {
    // The `crl` setting (null without one); both contexts ask it, so it goes after them.
    std::shared_ptr<Revocations> revocations;
    Poco::Net::Context::Ptr client;  // for connections this node dials
    Poco::Net::Context::Ptr server;  // for connections it accepts
    sdk::PeerIdentity own;           // what this node's certificate says of it
};

// A certificate names its account in its one subject CN and its role in one subjectAltName URI
// (scripts/make-certs.sh writes both):
//   urn:relaysync:relay               a relay server
//   urn:relaysync:terminal:<relay>    a terminal of the relay account <relay>
inline constexpr const char* kRoleUriPrefix = "urn:relaysync:";

// Both contexts: TLS 1.2 or newer, this node's certificate and key, the configured CA only (no
// system CAs), and strict verification of the peer's certificate on both sides (a peer without
// a certificate is refused). Host names are not checked: a peer's identity is the account in
// its certificate's CN, which the connection compares with what it expects.
// With a `crl`, every handshake also checks the peer's certificate against the revocation list
// in force (OpenSSL's CRL check), and this node's own certificate must not be on it.
// Throws std::invalid_argument naming the key (certificate, private_key, ca, crl) whose file is
// unusable; never includes key material in the message.
TlsContexts makeTlsContexts(const DirectConfig& config);

// The verified peer certificate of a finished handshake (null when there is none).
std::shared_ptr<X509> peerCertificate(SSL* ssl);

// What a verified peer certificate proves: its account (the one subject CN, as UTF-8) and its
// role. Throws std::runtime_error when there is no certificate, no CN or more than one, or no
// role URI or more than one.
sdk::PeerIdentity peerIdentity(SSL* ssl);

}  // namespace relaysync::transport_direct
