#include "raw_peer.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace relaysync::e2e {

namespace {

using Clock = std::chrono::steady_clock;

std::string bigEndian(std::uint64_t value, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    return out;
}

const Poco::Timespan kConnectTimeout(5, 0);

}  // namespace

std::string encodeFrame(std::uint8_t type, const std::string& body) {
    return bigEndian(1 + body.size(), 4) + static_cast<char>(type) + body;
}

std::string frameHeader(std::uint32_t length, FrameKind type) {
    return bigEndian(length, 4) + static_cast<char>(type);
}

RawPeer::RawPeer(Poco::Net::StreamSocket socket) : socket_(std::move(socket)), local_port_(socket_.address().port()) {}

RawPeer RawPeer::plain(std::uint16_t port) {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), kConnectTimeout);
    return RawPeer(socket);
}

RawPeer RawPeer::tls(std::uint16_t port, const std::string& certificate, const std::string& key) {
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, key, certificate, "", Poco::Net::Context::VERIFY_NONE);
    context->enableExtendedCertificateVerification(false);
    Poco::Net::SecureStreamSocket socket(context);
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), kConnectTimeout);
    socket.completeHandshake();
    return RawPeer(socket);
}

bool RawPeer::send(const std::string& bytes) {
    try {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const int n = socket_.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

bool RawPeer::readExactly(std::string& out, std::size_t count, Clock::time_point deadline) {
    out.clear();
    char buffer[4096];
    socket_.setReceiveTimeout(Poco::Timespan(0, 100'000));
    while (out.size() < count) {
        try {
            const int want = static_cast<int>(std::min(sizeof buffer, count - out.size()));
            const int got = socket_.receiveBytes(buffer, want);
            if (got <= 0) return false;
            out.append(buffer, static_cast<std::size_t>(got));
        } catch (const Poco::TimeoutException&) {
            if (Clock::now() >= deadline) return false;
        } catch (const Poco::Exception&) {
            return false;
        }
    }
    return true;
}

std::optional<std::pair<std::uint8_t, std::string>> RawPeer::readFrame(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string header, body;
    if (!readExactly(header, 5, deadline)) return std::nullopt;
    std::size_t length = 0;
    for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<unsigned char>(header[i]);
    if (length < 1 || !readExactly(body, length - 1, deadline)) return std::nullopt;
    return std::make_pair(static_cast<std::uint8_t>(header[4]), body);
}

bool RawPeer::closedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    char buffer[4096];
    socket_.setReceiveTimeout(Poco::Timespan(0, 100'000));
    for (;;) {
        try {
            if (socket_.receiveBytes(buffer, sizeof buffer) <= 0) return true;
        } catch (const Poco::TimeoutException&) {
            if (Clock::now() >= deadline) return false;
        } catch (const Poco::Exception&) {
            return true;  // reset, or a TLS alert: closed either way
        }
    }
}

}  // namespace relaysync::e2e
