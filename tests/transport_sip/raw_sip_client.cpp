#include "raw_sip_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "digest.h"

namespace relaysync::tests {


namespace {

int connectTo(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
    return fd;
}

}  // namespace

RawSipClient::RawSipClient(std::uint16_t port) : stream_(connectTo(port)) {}

bool RawSipClient::closedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!stream_.closed() && std::chrono::steady_clock::now() < deadline)
        read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    return stream_.closed();
}

std::string RawSipClient::registerRequest(const std::string& account, const std::string& authorization, std::uint32_t cseq) {
    const std::string domain = account.substr(account.find('@') + 1);
    std::string text = "REGISTER sip:" + domain + " SIP/2.0\r\n";
    text += "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK" + transport_sip::randomHex(8) + "\r\n";
    text += "From: <sip:" + account + ">;tag=raw\r\nTo: <sip:" + account + ">\r\n";
    text += "Call-ID: raw-register@test\r\nCSeq: " + std::to_string(cseq) + " REGISTER\r\n";
    text += "Contact: <sip:raw@127.0.0.1:9;transport=tcp>\r\nExpires: 600\r\n";
    if (!authorization.empty()) text += "Authorization: " + authorization + "\r\n";
    return text + "Content-Length: 0\r\n\r\n";
}

int RawSipClient::registerWithDigest(const std::string& account, const std::string& password, std::string* last_authorization) {
    write(registerRequest(account, "", 1));
    const auto challenged = read(std::chrono::seconds(5));
    if (!challenged || challenged->status != 401 || !challenged->challenge) return challenged ? challenged->status : 0;
    const std::string domain = account.substr(account.find('@') + 1);
    const std::string authorization = transport_sip::digestAuthorization(
        *challenged->challenge, {account.substr(0, account.find('@')), password}, "REGISTER", "sip:" + domain, 1,
        transport_sip::randomHex(8));
    if (last_authorization) *last_authorization = authorization;
    write(registerRequest(account, authorization, 2));
    const auto final_answer = read(std::chrono::seconds(5));
    return final_answer ? final_answer->status : 0;
}

std::string RawSipClient::message(const std::string& from, const std::string& to, const std::string& body) {
    std::string text = "MESSAGE sip:" + to + " SIP/2.0\r\n";
    text += "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK" + transport_sip::randomHex(8) + "\r\n";
    text += "From: <sip:" + from + ">;tag=raw\r\nTo: <sip:" + to + ">\r\n";
    text += "Call-ID: raw-" + transport_sip::randomHex(4) + "@test\r\nCSeq: 1 MESSAGE\r\n";
    text += "Content-Type: application/vnd.relaysync+json\r\n";
    return text + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace relaysync::tests
