#pragma once
// Revocation checked in the TLS handshake itself: OpenSSL's own CRL check (X509_V_FLAG_CRL_CHECK,
// the peer's certificate against the list of its issuer) with whatever list is in force at
// that moment, so that a list replaced while the program runs applies to the next handshake
// without rebuilding the SSL_CTX. A revoked peer fails verification with
// X509_V_ERR_CERT_REVOKED, and the peer is sent the TLS alert "certificate revoked".

#include <functional>
#include <memory>
#include <string>

#include "crl_list.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace relaysync::plugin_common {

// Gives the list in force; called once per handshake that verifies a peer certificate, on the
// handshake's thread. Must not throw.
using CrlSource = std::function<std::shared_ptr<const CrlList>()>;

// From now on every peer certificate `context` verifies is also checked against the list
// `source` gives. `source` must outlive `context` and every SSL made from it.
void checkPeersAgainstCrl(SSL_CTX* context, const CrlSource* source);

// After a handshake of `ssl` failed because the peer's certificate is revoked: which
// certificate and how ("CN=client11@relay-server1.net, serial 4F05..., revoked 2026-11-30
// 08:46:52 UTC, reason keyCompromise"); empty otherwise.
std::string revokedPeer(const SSL* ssl);

}  // namespace relaysync::plugin_common
