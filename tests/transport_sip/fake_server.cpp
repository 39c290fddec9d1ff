#include "fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace relaysync::tests {

FakeSipServer::FakeSipServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 4) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
        throw std::runtime_error("the fake SIP server cannot listen");
    port_ = ntohs(address.sin_port);
}

FakeSipServer::~FakeSipServer() {
    if (listener_ >= 0) ::close(listener_);
}

bool FakeSipServer::accept(std::chrono::milliseconds timeout) {
    pollfd entry{listener_, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(timeout.count())) <= 0) return false;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return false;
    connection_ = std::make_unique<SipStream>(fd);
    return true;
}

std::optional<transport_sip::SipMessage> FakeSipServer::read(std::chrono::milliseconds timeout) {
    if (!connection_) return std::nullopt;
    // CRLF CRLF keepalives are answered like Kamailio does, with one CRLF.
    return connection_->read(timeout, [this] { write("\r\n"); });
}

bool FakeSipServer::closedByPeer() const { return connection_ && connection_->closed(); }

void FakeSipServer::write(const std::string& bytes) {
    if (connection_) connection_->write(bytes);
}

bool FakeSipServer::acceptRegistration(std::chrono::milliseconds timeout) {
    if (!accept(timeout)) return false;
    const auto request = read(timeout);
    if (!request || request->method != "REGISTER") return false;
    std::string response = transport_sip::formatResponse(*request, 200, "OK", "srv");
    response.insert(response.find("Content-Length"), "Expires: 600\r\n");
    write(response);
    return true;
}

std::string relayedMessage(const std::string& from, const std::string& to, const std::string& content_type,
                           const std::string& body, const std::string& branch) {
    return "MESSAGE sip:" + to + " SIP/2.0\r\n"
           "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=" + branch + "\r\n"
           "From: <sip:" + from + ">;tag=f1\r\n"
           "To: <sip:" + to + ">\r\n"
           "Call-ID: " + branch + "@test\r\n"
           "CSeq: 1 MESSAGE\r\n"
           "Content-Type: " + content_type + "\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace relaysync::tests
