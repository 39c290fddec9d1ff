// Plaintext mode: bytes go as they are. Only for tests and isolated labs.

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

#include "wire.h"

namespace relaysync::transport_direct {

namespace {

class PlainWire final : public Wire {
public:
    explicit PlainWire(int fd) : fd_(fd) {}

    Io handshake() override { return Io::done; }

    Io read(char* buffer, std::size_t size, std::size_t& got) override {
        for (;;) {
            const ssize_t rc = ::recv(fd_, buffer, size, 0);
            if (rc > 0) {
                got = static_cast<std::size_t>(rc);
                received_ += got;
                return Io::done;
            }
            if (rc == 0) return Io::closed;
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::want_read;
            throw std::runtime_error(std::string("read failed: ") + std::strerror(errno));
        }
    }

    Io write(const char* data, std::size_t size, std::size_t& put) override {
        for (;;) {
            const ssize_t rc = ::send(fd_, data, size, MSG_NOSIGNAL);
            if (rc >= 0) {
                put = static_cast<std::size_t>(rc);
                return rc > 0 ? Io::done : Io::want_write;
            }
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::want_write;
            throw std::runtime_error(std::string("write failed: ") + std::strerror(errno));
        }
    }

    std::shared_ptr<X509> peerCertificate() const override { return nullptr; }
    sdk::PeerIdentity certificateIdentity() const override { return {}; }
    std::uint64_t bytesReceived() const override { return received_; }

private:
    int fd_;
    std::uint64_t received_ = 0;
};

}  // namespace

std::unique_ptr<Wire> makePlainWire(int fd) { return std::make_unique<PlainWire>(fd); }

}  // namespace relaysync::transport_direct
