#include "cluster/sip_site.h"

#include <fstream>
#include <random>

#include "ports/loopback_ports.h"

namespace fs = std::filesystem;

namespace relaysync::cluster {

namespace {

std::string address(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

void writePrivateFile(const fs::path& path, const std::string& text) {
    { std::ofstream create(path, std::ios::trunc); }
    std::error_code error;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, error);
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out || error) throw ClusterError("cannot write " + path.string());
}

std::string randomPassword() {
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device random;
    std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
    std::string password;
    for (int i = 0; i < 24; ++i) password.push_back(kAlphabet[pick(random)]);
    return password;
}

SipSite::SipSite(ClusterTools tools, fs::path dir) : dir_(fs::absolute(dir)) {
    fs::create_directories(dir_);
    const auto sip_ports = ports::reserveLoopbackPorts(2);
    tcp_address_ = address(sip_ports[0]);
    tls_address_ = address(sip_ports[1]);
    server_ = std::make_unique<SipServer>(std::move(tools), dir_ / "kamailio");
}

void SipSite::apply(std::vector<ProfileSpec>& specs) {
    std::vector<std::string> relays;
    std::map<std::string, std::string> lan_of;  // relay account -> its lan_listen
    for (const auto& spec : specs)
        if (spec.role == core::NodeRole::relay) {
            relays.push_back(spec.account);
            lan_of[spec.account] = spec.listen;
        }
    std::map<std::string, std::string> terminal_lines;  // relay account -> its file's lines
    for (auto& spec : specs) {
        spec.transport = TransportChoice::sip;
        spec.sip_password = randomPassword();
        passwords_[spec.account] = spec.sip_password;
        if (spec.role == core::NodeRole::relay) {
            spec.sip_server = tls_address_;
            spec.relay_accounts = relays;
            spec.lan_listen = spec.listen;
            spec.terminal_accounts_file = (dir_ / (spec.name + ".terminals")).string();
            subscribers_[spec.account] = spec.sip_password;
        } else {
            const auto lan = lan_of.find(spec.relay);
            if (lan == lan_of.end() || lan->second.empty())
                throw ClusterError(spec.name + ": its relay " + spec.relay + " is not among the relays or listens nowhere");
            spec.sip_server = lan->second;
            spec.relay_accounts = {spec.relay};
            terminal_lines[spec.relay] += spec.account + " " + spec.sip_password + "\n";
        }
        spec.listen.clear();
        spec.peers.clear();
    }
    for (const auto& spec : specs)
        if (spec.role == core::NodeRole::relay)
            writePrivateFile(spec.terminal_accounts_file,
                             "# " + spec.account + "'s terminals: ACCOUNT PASSWORD (written by SipSite)\n" +
                                 terminal_lines[spec.account]);
}

void SipSite::addSubscriber(const std::string& account, const std::string& password) { subscribers_[account] = password; }

const std::string& SipSite::password(const std::string& account) const {
    const auto found = passwords_.find(account);
    if (found == passwords_.end()) throw ClusterError("no SIP password for " + account);
    return found->second;
}

void SipSite::start(const fs::path& certs_dir) {
    server_->prepare(subscribers_);
    server_->useCertificate(certs_dir / (kServerCertificate + ".pem"), certs_dir / (kServerCertificate + ".key"));
    server_->start(tcp_address_, tls_address_);
}

}  // namespace relaysync::cluster
