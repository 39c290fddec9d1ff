#include "fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace relaysync::tests {

namespace {

using Clock = std::chrono::steady_clock;

bool readable(int fd, std::chrono::milliseconds timeout) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, static_cast<int>(std::max<long long>(0, timeout.count()))) > 0;
}

}  // namespace

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
    if (connection_ >= 0) ::close(connection_);
    if (listener_ >= 0) ::close(listener_);
}

bool FakeSipServer::accept(std::chrono::milliseconds timeout) {
    if (!readable(listener_, timeout)) return false;
    if (connection_ >= 0) ::close(connection_);
    connection_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    closed_ = false;
    framer_ = std::make_unique<transport_sip::StreamFramer>(64 * 1024, 1024 * 1024);
    return connection_ >= 0;
}

std::optional<transport_sip::SipMessage> FakeSipServer::read(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        while (auto frame = framer_ ? framer_->next() : std::nullopt) {
            if (frame->kind == transport_sip::Frame::Kind::pong) continue;
            auto parsed = transport_sip::parseSip(*frame);
            if (parsed.message) return parsed.message;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (closed_ || left.count() <= 0 || !readable(connection_, left)) return std::nullopt;
        char buffer[8192];
        const ssize_t n = ::recv(connection_, buffer, sizeof buffer, 0);
        if (n <= 0) {
            closed_ = true;
            return std::nullopt;
        }
        // CRLF CRLF keepalives are answered like Kamailio does, with one CRLF.
        if (n == 4 && std::string(buffer, 4) == "\r\n\r\n") {
            write("\r\n");
            continue;
        }
        framer_->feed(buffer, static_cast<std::size_t>(n));
    }
}

void FakeSipServer::write(const std::string& bytes) {
    if (connection_ >= 0) (void)!::send(connection_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
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
