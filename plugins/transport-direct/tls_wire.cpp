// TLS over a non-blocking socket with OpenSSL's SSL object. The context (certificate, key, CA,
// verification) comes from tls_context.cpp; this file only moves bytes and reports failures.

#include <cerrno>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "openssl_errors.h"
#include "tls_context.h"
#include "tls_crl_check.h"
#include "wire.h"

namespace relaysync::transport_direct {

namespace {

class TlsWire final : public Wire {
public:
    TlsWire(SSL_CTX* context, int fd, bool server) : ssl_(SSL_new(context)) {
        if (!ssl_ || SSL_set_fd(ssl_, fd) != 1) {
            if (ssl_) SSL_free(ssl_);
            throw TlsError("cannot set up TLS: " + plugin_common::opensslErrorQueue());
        }
        // A write that had to wait may resume from a moved buffer, and may complete in parts.
        // An idle connection gives its record buffers back, so that it costs little memory.
        SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                               SSL_MODE_RELEASE_BUFFERS);
        if (server)
            SSL_set_accept_state(ssl_);
        else
            SSL_set_connect_state(ssl_);
    }

    ~TlsWire() override { SSL_free(ssl_); }

    TlsWire(const TlsWire&) = delete;
    TlsWire& operator=(const TlsWire&) = delete;

    Io handshake() override {
        ERR_clear_error();
        errno = 0;
        const int rc = SSL_do_handshake(ssl_);
        if (rc == 1) return Io::done;
        const Io io = classify(rc, "TLS handshake");
        if (io == Io::closed) throw TlsError("the peer closed the connection during the TLS handshake");
        return io;
    }

    Io read(char* buffer, std::size_t size, std::size_t& got) override {
        ERR_clear_error();
        errno = 0;
        const int rc = SSL_read(ssl_, buffer, static_cast<int>(size));
        if (rc > 0) {
            got = static_cast<std::size_t>(rc);
            return Io::done;
        }
        return classify(rc, "TLS read");
    }

    Io write(const char* data, std::size_t size, std::size_t& put) override {
        ERR_clear_error();
        errno = 0;
        const int rc = SSL_write(ssl_, data, static_cast<int>(size));
        if (rc > 0) {
            put = static_cast<std::size_t>(rc);
            return Io::done;
        }
        return classify(rc, "TLS write");
    }

    sdk::PeerIdentity certificateIdentity() const override { return peerIdentity(ssl_); }
    std::shared_ptr<X509> peerCertificate() const override { return transport_direct::peerCertificate(ssl_); }
    std::uint64_t bytesReceived() const override { return BIO_number_read(SSL_get_rbio(ssl_)); }

private:
    Io classify(int rc, const char* what) {
        const int saved_errno = errno;
        switch (SSL_get_error(ssl_, rc)) {
        case SSL_ERROR_WANT_READ: return Io::want_read;
        case SSL_ERROR_WANT_WRITE: return Io::want_write;
        case SSL_ERROR_ZERO_RETURN: return Io::closed;
        case SSL_ERROR_SYSCALL:
            if (ERR_peek_error() == 0) {
                if (saved_errno == 0) return Io::closed;
                throw std::runtime_error(std::string(what) + " failed: " + std::strerror(saved_errno));
            }
            [[fallthrough]];
        default: throw TlsError(std::string(what) + " failed: " + describeFailure());
        }
    }

    std::string describeFailure() const {
        std::string text = plugin_common::opensslErrorQueue();
        const long verify = SSL_get_verify_result(ssl_);
        if (verify == X509_V_ERR_CERT_REVOKED) {
            // Which certificate, from the revocation check: the peer's account is not proven yet.
            const std::string revoked = plugin_common::revokedPeer(ssl_);
            text += " (the peer's certificate is revoked" + (revoked.empty() ? std::string() : ": " + revoked) +
                    "; the list is the crl setting)";
        } else if (verify != X509_V_OK) {
            text += " (the peer's certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
        }
        return text;
    }

    SSL* ssl_;
};

}  // namespace

std::unique_ptr<Wire> makeTlsWire(SSL_CTX* context, int fd, bool server) {
    return std::make_unique<TlsWire>(context, fd, server);
}

}  // namespace relaysync::transport_direct
