#pragma once
// The TLS side of a node's identity: its certificate and key, and the CA every peer's
// certificate must be signed by. Built once, from the PEM files named in the config.

#include <string>

#include <Poco/Net/Context.h>

#include "direct_config.h"

typedef struct ssl_st SSL;

namespace relaysync::transport_direct {

struct TlsContexts {
    Poco::Net::Context::Ptr client;  // for connections this node dials
    Poco::Net::Context::Ptr server;  // for connections it accepts
    std::string own_account;         // the CN of this node's certificate
};

// Both contexts: TLS 1.2 or newer, this node's certificate and key, the configured CA only (no
// system CAs), and strict verification of the peer's certificate on both sides (a peer without
// a certificate is refused). Host names are not checked: a peer's identity is the account in
// its certificate's CN, which the connection compares with what it expects.
// Throws std::invalid_argument naming the key (certificate, private_key, ca) whose file is
// unusable; never includes key material in the message.
TlsContexts makeTlsContexts(const DirectConfig& config);

// The account a verified peer certificate names: its one subject CN, as UTF-8. Throws
// std::runtime_error when there is no certificate, no CN, or more than one.
std::string peerAccount(SSL* ssl);

}  // namespace relaysync::transport_direct
