#pragma once
// The TLS side of a node's identity: its certificate and key, and the CA every peer's
// certificate must be signed by. Built once, from the PEM files named in the config.

#include <string>

#include <Poco/Net/Context.h>

#include "direct_config.h"
#include "relaysync/sdk/transport.h"

typedef struct ssl_st SSL;

namespace relaysync::transport_direct {

struct TlsContexts {
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
// Throws std::invalid_argument naming the key (certificate, private_key, ca) whose file is
// unusable; never includes key material in the message.
TlsContexts makeTlsContexts(const DirectConfig& config);

// What a verified peer certificate proves: its account (the one subject CN, as UTF-8) and its
// role. Throws std::runtime_error when there is no certificate, no CN or more than one, or no
// role URI or more than one.
sdk::PeerIdentity peerIdentity(SSL* ssl);

}  // namespace relaysync::transport_direct
