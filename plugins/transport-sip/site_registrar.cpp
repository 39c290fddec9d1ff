#include "site_registrar.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "digest.h"
#include "loggable.h"
#include "stream_framer.h"

namespace relaysync::transport_sip {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::size_t kMaxHeadBytes = 16 * 1024;
constexpr std::size_t kMaxSkippedBody = 1024 * 1024;  // read past and answered 413 (as from the server)
constexpr int kMaxFailures = 3;                      // wrong answers on one connection before it is closed
constexpr seconds kNonceLifetime{300};               // then a REGISTER is challenged again, stale=true
constexpr seconds kMaxRegistration{3600};
constexpr seconds kMinRegistration{10};
constexpr seconds kRegistrationGrace{30};            // a refresh may come a little late
constexpr milliseconds kResponseWriteTimeout{1000};  // a terminal that does not read is not waited for long

std::string userOf(const std::string& account) { return account.substr(0, account.find('@')); }

std::string ipOf(const std::string& address) {
    const auto colon = address.rfind(':');
    return colon == std::string::npos ? address : address.substr(0, colon);
}

}  // namespace

struct SiteRegistrar::Connection {
    Connection(std::shared_ptr<TcpLink> l, std::size_t max_body)
        : link(std::move(l)), framer(kMaxHeadBytes, max_body, kMaxSkippedBody) {}
    std::shared_ptr<TcpLink> link;
    StreamFramer framer;
    Clock::time_point deadline;  // unregistered: register by then; registered: expiry + grace
    std::string account;         // empty until registered
    std::string nonce;
    Clock::time_point nonce_issued{};
    unsigned long last_nc = 0;
    int failures = 0;
};

// "from IP:PORT" for a connection that has not registered, "of terminal X from IP:PORT" else.
std::string SiteRegistrar::describe(const Connection& connection) {
    return connection.account.empty() ? "from " + connection.link->remoteAddress()
                                      : "of terminal " + connection.account + " from " + connection.link->remoteAddress();
}

SiteRegistrar::SiteRegistrar(const SipConfig& config, Poco::Logger& log, plugin_common::LogLimiter& limiter)
    : config_(config),
      log_(log),
      limiter_(limiter),
      guesses_(config.lan_max_failed_registers, config.warnings_window),
      accounts_(TerminalAccounts::load(config.terminal_accounts_file)),
      tls_(config.lan_tls ? std::make_unique<TlsServer>(config.lan_certificate, config.lan_private_key) : nullptr) {}

SiteRegistrar::~SiteRegistrar() { stop(); }

sdk::Status SiteRegistrar::start(const std::string& relay_account, Handler& handler) {
    relay_account_ = relay_account;
    realm_ = relay_account;
    handler_ = &handler;
    const std::string where = config_.lan_host + ":" + std::to_string(config_.lan_port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string host = config_.lan_host;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (const int code = ::getaddrinfo(host.c_str(), std::to_string(config_.lan_port).c_str(), &hints, &found); code != 0)
        return sdk::Status::invalidArgument("lan_listen: cannot resolve " + config_.lan_host + ": " + ::gai_strerror(code));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int on = 1;
    if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (fd < 0 || ::bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
        const std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        return sdk::Status::ioError("lan_listen: cannot listen on " + where + ": " + why);
    }
    listen_fd_ = fd;
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    thread_ = std::thread([this] { run(); });
    log_.information("registrar of the terminals of %s listening on %s over %s", relay_account_, where,
                     std::string(config_.lan_tls ? "TLS" : "TCP"));
    return sdk::Status::ok();
}

void SiteRegistrar::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    if (wake_fd_ >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
    }
    if (thread_.joinable()) thread_.join();
    for (auto& entry : connections_) entry.second->link->shutdown();
    connections_.clear();
    {
        std::lock_guard lock(mutex_);
        registered_.clear();
    }
    if (listen_fd_ >= 0) ::close(listen_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    listen_fd_ = wake_fd_ = -1;
}

std::set<std::string> SiteRegistrar::terminals() const {
    std::set<std::string> accounts;
    for (const auto& entry : accounts_.all()) accounts.insert(entry.first);
    return accounts;
}

std::shared_ptr<TcpLink> SiteRegistrar::linkOf(const std::string& terminal) const {
    std::lock_guard lock(mutex_);
    const auto found = registered_.find(terminal);
    return found == registered_.end() ? nullptr : found->second;
}

void SiteRegistrar::run() {
    std::vector<pollfd> fds;
    std::vector<int> order;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        fds.clear();
        order.clear();
        fds.push_back({wake_fd_, POLLIN, 0});
        fds.push_back({listen_fd_, POLLIN, 0});
        auto wake = Clock::now() + seconds(1);
        for (const auto& [fd, connection] : connections_) {
            fds.push_back({fd, POLLIN, 0});
            order.push_back(fd);
            wake = std::min(wake, connection->deadline);
        }
        const auto wait = std::chrono::duration_cast<milliseconds>(wake - Clock::now()).count();
        if (::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(0, wait))) < 0 && errno != EINTR) {
            log_.error("the terminals' registrar cannot poll: %s", std::string(std::strerror(errno)));
            return;
        }
        if (fds[1].revents & POLLIN) acceptAll();
        for (std::size_t i = 0; i < order.size(); ++i) {
            if (!fds[i + 2].revents) continue;
            const auto found = connections_.find(order[i]);
            if (found == connections_.end()) continue;
            if (!readFrom(*found->second)) close(order[i], "");
        }
        limiter_.flush();
        const auto now = Clock::now();
        std::vector<int> expired;
        for (const auto& [fd, connection] : connections_)
            if (now >= connection->deadline) expired.push_back(fd);
        for (const int fd : expired) {
            const bool registered = !connections_[fd]->account.empty();
            close(fd, registered ? "its registration ran out" : "it did not register within " +
                                                                   std::to_string(config_.lan_register_timeout.count()) + " ms");
        }
    }
}

void SiteRegistrar::acceptAll() {
    for (;;) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN: none left (or a transient error: the next poll retries)
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        std::string error;
        SSL* ssl = tls_ ? tls_->newSession(fd, &error) : nullptr;
        if (tls_ && !ssl) {
            log_.error("cannot serve a terminal's connection: %s", error);
            ::close(fd);
            continue;
        }
        auto link = TcpLink::adopt(fd, ssl);
        const std::string ip = ipOf(link->remoteAddress());
        const bool too_many = connections_.size() >= config_.lan_max_connections;
        const bool too_many_here = per_address_.count(ip) && per_address_[ip] >= static_cast<int>(config_.lan_max_connections_per_address);
        if (too_many || too_many_here) {
            // Logged at most once a second: a flood must not flood the log too.
            const auto now = Clock::now();
            if (now - last_refusal_logged_ >= seconds(1)) {
                last_refusal_logged_ = now;
                log_.warning("closed a connection from %s at once: %s", link->remoteAddress(),
                         std::string(too_many ? "lan_max_connections are held already"
                                              : "lan_max_connections_per_address are held from there already"));
            }
            link->shutdown();
            continue;
        }
        ++per_address_[ip];
        auto connection = std::make_unique<Connection>(link, config_.max_payload_bytes);
        connection->deadline = Clock::now() + config_.lan_register_timeout;
        log_.debug("a connection from %s to the terminals' registrar", link->remoteAddress());
        connections_.emplace(fd, std::move(connection));
    }
}

void SiteRegistrar::close(int fd, const std::string& why) {
    const auto found = connections_.find(fd);
    if (found == connections_.end()) return;
    auto connection = std::move(found->second);
    connections_.erase(found);
    const std::string ip = ipOf(connection->link->remoteAddress());
    if (--per_address_[ip] <= 0) per_address_.erase(ip);
    connection->link->shutdown();
    if (!why.empty())
        limiter_.information(ip, "closed the connection " + describe(*connection) + ": " + why);
    if (connection->account.empty()) return;
    bool was_current = false;
    {
        std::lock_guard lock(mutex_);
        const auto registered = registered_.find(connection->account);
        if (registered != registered_.end() && registered->second == connection->link) {
            registered_.erase(registered);
            was_current = true;
        }
    }
    if (was_current) {
        if (why.empty()) log_.information("terminal %s at %s is gone (connection closed)", connection->account, connection->link->remoteAddress());
        handler_->onTerminalRegistration(connection->account, false);
    }
}

bool SiteRegistrar::readFrom(Connection& connection) {
    char buffer[16 * 1024];
    bool pinged = false;
    for (;;) {
        const long n = connection.link->read(buffer, sizeof buffer, milliseconds(0));
        if (n < 0) return false;
        if (n == 0) break;
        connection.framer.feed(buffer, static_cast<std::size_t>(n));
        while (auto frame = connection.framer.next()) {
            if (frame->kind == Frame::Kind::pong) {  // a CRLF keepalive from the terminal
                pinged = true;
                continue;
            }
            auto parsed = parseSip(*frame);
            if (frame->kind == Frame::Kind::too_large && parsed.message && !connection.account.empty()) {
                if (parsed.message->is_request) respond(connection, *parsed.message, 413, "Request Entity Too Large");
                continue;
            }
            if (!parsed.message || frame->kind == Frame::Kind::too_large) {
                limiter_.warning(ipOf(connection.link->remoteAddress()),
                                 "closing the connection " + describe(connection) + ": it sent " +
                                     (frame->kind == Frame::Kind::too_large
                                          ? "a body of " + std::to_string(frame->body_size) + " bytes before registering"
                                          : "a malformed message (" + parsed.error + ")"));
                return false;
            }
            if (parsed.message->is_request) {
                if (!onRequest(connection, *parsed.message)) return false;
            } else if (!connection.account.empty()) {
                handler_->onTerminalResponse(*parsed.message);
            }
        }
        if (!connection.framer.error().empty()) {
            limiter_.warning(ipOf(connection.link->remoteAddress()),
                             "closing the connection " + describe(connection) + ": it sent " + connection.framer.error());
            return false;
        }
    }
    // RFC 5626 §4.4.1: a CRLF CRLF ping is answered with one CRLF.
    if (pinged && !connection.account.empty()) return connection.link->write("\r\n", kResponseWriteTimeout);
    return true;
}

bool SiteRegistrar::onRequest(Connection& connection, const SipMessage& request) {
    if (request.method == "ACK") return true;
    if (request.method == "REGISTER") return onRegister(connection, request);
    if (connection.account.empty()) {
        limiter_.warning(ipOf(connection.link->remoteAddress()), "refused a " + loggable(request.method, 20) + " " +
                                                                      describe(connection) + ": it has not registered");
        respond(connection, request, 403, "Forbidden: Register First");
        return ++connection.failures < kMaxFailures;
    }
    if (request.method == "OPTIONS") {
        respond(connection, request, 200, "OK");
        return true;
    }
    if (request.method != "MESSAGE") {
        respond(connection, request, 501, "Not Implemented");
        return true;
    }
    if (request.from_account != connection.account) {
        // The connection proves one account: a terminal cannot speak for another (or a relay).
        limiter_.warning(connection.account, "refused a MESSAGE from " + loggable(request.from_account) +
                                                 " on the connection of terminal " + connection.account +
                                                 ": From is not the registered account");
        respond(connection, request, 403, "Forbidden: From is not the registered account");
        return true;
    }
    if (request.to_account != relay_account_) {
        respond(connection, request, 404, "Not Found");
        return true;
    }
    handler_->onTerminalMessage(connection.link, request);
    return true;
}

bool SiteRegistrar::onRegister(Connection& connection, const SipMessage& request) {
    const std::string& account = request.to_account;
    const std::string ip = ipOf(connection.link->remoteAddress());
    if (guesses_.barred(ip)) {
        limiter_.warning(ip, "refused a REGISTER " + describe(connection) + ": " +
                                 std::to_string(config_.lan_max_failed_registers) +
                                 " wrong answers from that address within warnings_window_ms");
        // 503 with Retry-After, not 403: a terminal of this address that is only caught in the
        // bar (behind one NAT with a guesser) keeps trying, rather than taking it as refused.
        respond(connection, request, 503, "Service Unavailable: Too Many Failures",
                {"Retry-After: " + std::to_string(std::chrono::duration_cast<seconds>(config_.warnings_window).count())});
        return false;
    }
    const std::string* password = accounts_.passwordOf(account);
    if (!password || request.from_account != account) {
        limiter_.warning(ip, "refused the REGISTER of " + loggable(account) + " " + describe(connection) +
                                 ": not a terminal of this relay" + (password ? " (From is another account)" : ""));
        respond(connection, request, 403, "Forbidden");
        guesses_.failed(ip);
        return ++connection.failures < kMaxFailures;
    }
    if (request.expires_malformed) {
        respond(connection, request, 400, "Bad Expires");
        return true;
    }
    const auto& answer = request.authorization;
    const bool fresh_nonce = !connection.nonce.empty() && Clock::now() - connection.nonce_issued < kNonceLifetime;
    if (!answer || answer->nonce != connection.nonce || connection.nonce.empty()) {
        challenge(connection, request, answer.has_value() && !connection.nonce.empty());
        return true;
    }
    if (!fresh_nonce) {
        challenge(connection, request, true);
        return true;
    }
    // qop=auth is what we offer, and its nonce count is what tells a replayed answer: an answer
    // without it, or whose count does not grow, is not taken.
    const unsigned long nc = std::strtoul(answer->nc.c_str(), nullptr, 16);
    const bool user_ok = answer->username == userOf(account) || answer->username == account;
    const bool right = user_ok && answer->realm == realm_ && answer->uri == request.request_uri && answer->qop == "auth" &&
                       nc > connection.last_nc && digestAnswerIsRight(*answer, *password, "REGISTER");
    if (!right) {
        limiter_.warning(ip, "refused the REGISTER of terminal " + account + " " + describe(connection) +
                                 ": wrong credentials (user name '" + loggable(answer->username, 80) + "')");
        guesses_.failed(ip);
        connection.nonce.clear();
        if (++connection.failures >= kMaxFailures) {
            respond(connection, request, 403, "Forbidden");
            return false;
        }
        challenge(connection, request, false);
        return true;
    }
    connection.last_nc = nc;
    const auto asked = seconds(request.expires.value_or(600));
    if (asked.count() == 0) {  // unregister
        respond(connection, request, 200, "OK", {"Expires: 0"});
        if (connection.account == account) {
            connection.deadline = Clock::now() + config_.lan_register_timeout;
            {
                std::lock_guard lock(mutex_);
                if (registered_[account] == connection.link) registered_.erase(account);
            }
            connection.account.clear();
            handler_->onTerminalRegistration(account, false);
        }
        return true;
    }
    if (asked < kMinRegistration) {
        respond(connection, request, 423, "Interval Too Brief", {"Min-Expires: " + std::to_string(kMinRegistration.count())});
        return true;
    }
    if (!connection.account.empty() && connection.account != account) {
        respond(connection, request, 403, "Forbidden: this connection is registered for another account");
        return true;
    }
    const auto granted = std::min(asked, kMaxRegistration);
    bind(connection, account, granted);
    respond(connection, request, 200, "OK",
            {"Contact: <sip:" + userOf(account) + "@" + connection.link->remoteAddress() + ">;expires=" +
                 std::to_string(granted.count()),
             "Expires: " + std::to_string(granted.count())});
    return true;
}

void SiteRegistrar::bind(Connection& connection, const std::string& account, seconds granted) {
    connection.deadline = Clock::now() + granted + kRegistrationGrace;
    connection.failures = 0;
    if (connection.account == account) return;  // a refresh
    connection.account = account;
    std::shared_ptr<TcpLink> replaced;
    {
        std::lock_guard lock(mutex_);
        auto& slot = registered_[account];
        replaced = slot;
        slot = connection.link;
    }
    // The same terminal registered again over a new connection (it reconnected): the old one
    // is stale; closing it makes its poll entry go.
    if (replaced) replaced->shutdown();
    limiter_.information(account, "registered terminal " + account + " from " + connection.link->remoteAddress() + " for " +
                                      std::to_string(granted.count()) + " s");
    handler_->onTerminalRegistration(account, true);
}

void SiteRegistrar::challenge(Connection& connection, const SipMessage& request, bool stale) {
    connection.nonce = randomHex(16);
    connection.nonce_issued = Clock::now();
    connection.last_nc = 0;
    const std::string common = "realm=\"" + realm_ + "\", nonce=\"" + connection.nonce + "\", qop=\"auth\"" +
                               (stale ? ", stale=true" : "");
    // SHA-256 first, MD5 for clients that know only that (RFC 8760 §2.4).
    respond(connection, request, 401, "Unauthorized",
            {"WWW-Authenticate: Digest " + common + ", algorithm=SHA-256", "WWW-Authenticate: Digest " + common + ", algorithm=MD5"});
}

void SiteRegistrar::respond(Connection& connection, const SipMessage& request, int status, const std::string& reason,
                            const std::vector<std::string>& headers) {
    connection.link->write(formatResponse(request, status, reason, randomHex(8), headers), kResponseWriteTimeout);
}

}  // namespace relaysync::transport_sip
