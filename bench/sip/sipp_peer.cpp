#include "sipp_peer.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.h"
#include "ports/loopback_ports.h"

namespace relaysync::bench {

namespace {

using Clock = std::chrono::steady_clock;

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string tail(const std::filesystem::path& path, std::size_t bytes = 3000) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string all = text.str();
    return all.size() > bytes ? "..." + all.substr(all.size() - bytes) : all;
}

// REGISTER with the digest challenge, then keep the connection (and the registration) while the
// out-of-call scenario answers MESSAGEs; `registered` is created once the server said 200.
std::string receiverScenario(const SippAccounts& a, const std::string& registered) {
    const std::string aor = a.receiver_user + "@" + a.domain;
    auto request = [&](int cseq, bool authorized) {
        return "  <send retrans=\"500\"><![CDATA[\n"
               "REGISTER sip:" + a.domain + " SIP/2.0\n"
               "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
               "From: <sip:" + aor + ">;tag=[call_number]\n"
               "To: <sip:" + aor + ">\n"
               "Call-ID: [call_id]\n"
               "CSeq: " + std::to_string(cseq) + " REGISTER\n"
               "Contact: <sip:" + a.receiver_user + "@[local_ip]:[local_port];transport=[transport]>\n" +
               (authorized ? "[authentication]\n" : "") +
               "Max-Forwards: 70\n"
               "Expires: 3600\n"
               "Content-Length: 0\n\n"
               "]]></send>\n";
    };
    return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
           "<scenario name=\"relaysync bench: register, then answer MESSAGEs\">\n" +
           request(1, false) + "  <recv response=\"401\" auth=\"true\"/>\n" + request(2, true) +
           "  <recv response=\"200\"/>\n"
           "  <nop><action><exec command=\"touch " + registered + "\"/></action></nop>\n"
           "  <pause milliseconds=\"3600000\"/>\n"
           "</scenario>\n";
}

std::string answerScenario() {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
           "<scenario name=\"relaysync bench: answer a MESSAGE 200\">\n"
           "  <recv request=\"MESSAGE\"/>\n"
           "  <send><![CDATA[\n"
           "SIP/2.0 200 OK\n"
           "[last_Via:]\n"
           "[last_From:]\n"
           "[last_To:];tag=[call_number]\n"
           "[last_Call-ID:]\n"
           "[last_CSeq:]\n"
           "Content-Length: 0\n\n"
           "]]></send>\n"
           "</scenario>\n";
}

// One call: MESSAGE, 407, then `per_call` MESSAGEs with the answered challenge, each after the
// previous one's 200 (a new branch and CSeq each; the same Call-ID, which sipp needs to match
// the answers to the call).
std::string senderScenario(const SippAccounts& a, const std::string& payload, std::size_t per_call) {
    const std::string from = a.sender_user + "@" + a.domain;
    const std::string to = a.receiver_user + "@" + a.domain;
    auto request = [&](bool authorized) {
        return std::string(authorized ? "  <send><![CDATA[\n" : "  <send retrans=\"500\"><![CDATA[\n") +
               "MESSAGE sip:" + to + " SIP/2.0\n"
               "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]-[cseq]\n"
               "Max-Forwards: 70\n"
               "From: <sip:" + from + ">;tag=[call_number]\n"
               "To: <sip:" + to + ">\n"
               "Call-ID: [call_id]\n"
               "CSeq: [cseq] MESSAGE\n" +
               (authorized ? "[authentication]\n" : "") +
               "Content-Type: application/vnd.relaysync+json\n"
               "Content-Length: [len]\n\n" +
               payload + "\n"
               "]]></send>\n";
    };
    return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
           "<scenario name=\"relaysync bench: MESSAGEs one after the other\">\n" +
           request(false) + "  <recv response=\"407\" auth=\"true\"/>\n"
           "  <nop><action><assign assign_to=\"sent\" value=\"0\"/></action></nop>\n"
           "  <label id=\"1\"/>\n" +
           request(true) +
           "  <recv response=\"200\"/>\n"
           "  <nop><action><add assign_to=\"sent\" value=\"1\"/>"
           "<test assign_to=\"more\" variable=\"sent\" compare=\"less_than\" value=\"" + std::to_string(per_call) +
           "\"/></action></nop>\n"
           "  <nop next=\"1\" test=\"more\"/>\n"
           "</scenario>\n";
}

}  // namespace

SippResult runSipp(const std::string& dir_name, unsigned server_port, const SippAccounts& accounts,
                   const std::string& payload, std::size_t messages, std::size_t concurrency,
                   std::chrono::seconds timeout) {
    if (payload.find("]]>") != std::string::npos || payload.find('[') != std::string::npos ||
        payload.find('\n') != std::string::npos)
        throw std::invalid_argument("the sipp payload must be one line without '[' or ']]>'");
    const std::filesystem::path dir(dir_name);
    std::filesystem::create_directories(dir);
    const auto registered = dir / "receiver.registered";
    std::filesystem::remove(registered);
    const std::size_t per_call = messages / concurrency;
    write(dir / "receiver.xml", receiverScenario(accounts, registered.string()));
    write(dir / "answer.xml", answerScenario());
    write(dir / "sender.xml", senderScenario(accounts, payload, per_call));
    const std::string server = "127.0.0.1:" + std::to_string(server_port);

    // sipp binds its outgoing TCP socket to -p: the registration's source is its listening port.
    ChildProcess receiver({"sipp", "-sf", (dir / "receiver.xml").string(), "-oocsf", (dir / "answer.xml").string(),
                           "-au", accounts.receiver_user, "-ap", accounts.receiver_password, "-t", "t1", "-m", "1",
                           "-i", "127.0.0.1", "-p", std::to_string(ports::reserveLoopbackPort()), server, "-nostdin",
                           // forget a finished Call-ID at once: the next MESSAGE of a sender's call
                           // has the same one and must start the out-of-call scenario again
                           "-deadcall_wait", "0"},
                          (dir / "receiver.log").string());
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!std::filesystem::exists(registered)) {
        if (auto status = receiver.poll())
            throw std::runtime_error("the sipp receiver exited (" + std::to_string(*status) + ") before registering:\n" +
                                     tail(dir / "receiver.log"));
        if (Clock::now() > deadline)
            throw std::runtime_error("the sipp receiver did not register within 10 s:\n" + tail(dir / "receiver.log"));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

    const auto errors = dir / "sender-errors.log";
    std::filesystem::remove(errors);
    const double receiver_cpu_before = groupCpuSeconds(receiver.pid());
    const long receiver_switches_before = contextSwitches(receiver.pid());
    const auto start = Clock::now();
    ChildProcess sender({"sipp", "-sf", (dir / "sender.xml").string(), "-au", accounts.sender_user, "-ap",
                         accounts.sender_password, "-t", "t1", "-m", std::to_string(concurrency), "-l",
                         std::to_string(concurrency), "-r", "10000", "-i", "127.0.0.1", "-p",
                         std::to_string(ports::reserveLoopbackPort()), server, "-nostdin", "-timeout",
                         std::to_string(timeout.count()) + "s", "-timeout_error", "-trace_err", "-error_file",
                         errors.string()},
                        (dir / "sender.log").string());
    const auto status = sender.wait(timeout + std::chrono::seconds(5));
    SippResult result;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.messages = per_call * concurrency;
    const double receiver_cpu = groupCpuSeconds(receiver.pid()) - receiver_cpu_before;
    const long receiver_switches = contextSwitches(receiver.pid()) - receiver_switches_before;
    receiver.stop();
    if (!status) {
        sender.stop();
        throw std::runtime_error("sipp did not send its messages within " + std::to_string(timeout.count()) + " s");
    }
    if (*status != 0)
        throw std::runtime_error("sipp failed (exit " + std::to_string(*status) + "): not every MESSAGE was answered 200:\n" +
                                 tail(errors));
    result.client_cpu_seconds = sender.cpuSecondsAtExit() + receiver_cpu;
    result.client_switches = sender.switchesAtExit() + receiver_switches;
    return result;
}

}  // namespace relaysync::bench
