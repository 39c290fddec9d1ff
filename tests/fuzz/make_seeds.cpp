// Writes the generated seed corpus of the fuzz targets: one real message of every protocol type,
// made with the engine's own body structs and the codec, from the four-site example (R1..R4,
// terminals 11..42); and direct-transport byte streams carrying such messages in frames.
//   fuzz_make_seeds OUT   ->  OUT/protocol/<type>.json, OUT/frame/<name>.bin
// Hand-written seeds and inputs that once crashed a target are committed in tests/fuzz/seeds.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "engine/group_messages.h"
#include "engine/share_messages.h"
#include "engine/sync_messages.h"
#include "frame.h"
#include "protocol/bodies.h"
#include "protocol/codec.h"
#include "protocol/message_id.h"
#include "protocol/remote_message.h"

using namespace relaysync::core;
namespace direct = relaysync::transport_direct;
namespace fs = std::filesystem;

namespace {

const std::string kR1 = "relay-server1@net";
const std::string kR2 = "relay-server2@net";
const std::string kC11 = "client11@relay-server1.net";
const std::string kC21 = "client21@relay-server2.net";
const std::string kGroup = "0001@relay-server1";
const std::string kShare = "20071001150032client11@relay-server1.net";

void write(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string message(MessageType type, const std::string& from, const std::string& to, Poco::JSON::Object::Ptr body) {
    static std::int64_t n = 0;
    Message m;
    m.type = type;
    m.id = formatMessageId(from, "k3Xq9-e_Tz", ++n);
    m.from = from;
    m.to = to;
    m.body = std::move(body);
    return encode(m);
}

ShareableTerminal terminal(const std::string& account, const std::string& relay, const std::string& name) {
    return {account, relay, name, "Sales", 2, false};
}

RelayGroup group() {
    RelayGroup g;
    g.id = kGroup;
    g.relays = {{kR1, "Tokyo", 1, false}, {kR2, "Osaka", 3, false}};
    g.removed_relays = {{"relay-server4@net", "Fukuoka", 2, true}};
    g.terminals = {terminal(kC11, kR1, "Tokyo PC 11"), terminal(kC21, kR2, "Osaka PC 21")};
    return g;
}

Share share() {
    return {kShare, kGroup, "workspace1", kC11, {kC11, kC21}, 1, false};
}

std::vector<ResourceEntry> entries() {
    ResourceEntry folder{kShare, "folderA", kC11, "c:/folderA", kStatusOk, {}, 1, false};
    folder.details = {relaysync::sdk::EntityKind::folder, 1191218432000, 0, "", {}};
    ResourceEntry file{kShare, "budget.xls", kC21, "network/z:/folderZ/budget.xls", kStatusFileNotFound, {}, 4, false};
    file.details = {relaysync::sdk::EntityKind::file, 1191218433123, 48128,
                    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", {}};
    ResourceEntry gone{kShare, "old.txt", kC11, "c:/old.txt", kStatusOk, {}, 7, true};
    return {folder, file, gone};
}

SyncReport report() {
    SyncReport r;
    r.sync_id = kR1 + "#sync.12";
    r.share_id = kShare;
    r.checked = 3, r.unchanged = 1, r.changed = 1, r.gone = 1;
    r.unreachable_nodes = {"client42@relay-server4.net"};
    r.problems = {"client31: deletion limit of 100 reached, nothing changed"};
    r.more_problems = 2;
    return r;
}

std::vector<std::pair<std::string, std::string>> messages() {
    const OwnerDigests digests{{kC11, "sha256:01ab"}, {kC21, "sha256:cd23"}};
    SyncRequest whole(kR1 + "#sync.12", kShare, {}, digests);
    whole.group_id = kGroup;
    whole.creator = kC11;
    SyncRequest targeted(kC11 + "#sync.3", kShare, {"folderA", "budget.xls"});
    targeted.timeout_ms = 60000;

    Poco::JSON::Object::Ptr records = new Poco::JSON::Object;
    records->set("share_id", kShare);
    records->set("entries", toJson(entries()));
    Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
    answer->set("re", kR2 + "#k3Xq9-e_Tz.4");
    answer->set("re_type", "policy-data");
    answer->set("ok", false);
    answer->set("reason", "share " + kShare + " is not known here yet");

    return {
        {"group-info", message(MessageType::group_info, kR1, kR2, GroupUpdate{group()}.toBody())},
        {"request-server-info", message(MessageType::request_server_info, kR2, kR1,
                                        ServerInfoRequest{kGroup, {kR2, "Osaka", 3, false}}.toBody())},
        {"server-info", message(MessageType::server_info, kR1, kR2,
                                ServerInfo{kGroup, {kR1, "Tokyo", 1, false}, {terminal(kC11, kR1, "Tokyo PC 11")}}.toBody())},
        {"update-group-info", message(MessageType::update_group_info, kR1, kC11, GroupUpdate{group()}.toBody())},
        {"add-group-info", message(MessageType::add_group_info, kR1, kR2,
                                   TerminalChange{kGroup, terminal(kC11, kR1, "Tokyo PC 11")}.toBody())},
        {"delete-group-info", message(MessageType::delete_group_info, kR1, kR2,
                                      TerminalChange{kGroup, {kC11, kR1, "Tokyo PC 11", "Sales", 3, true}}.toBody())},
        {"create-shared-resource", message(MessageType::create_shared_resource, kC11, kR1, ShareDefinition{share()}.toBody())},
        {"policy-data", message(MessageType::policy_data, kR1, kR2, PolicyData{share(), entries()}.toBody())},
        {"update-resource-info", message(MessageType::update_resource_info, kR1, kR2, records)},
        {"delete-resource-info", message(MessageType::delete_resource_info, kR2, kC21, records)},
        {"synchronize-instruction", message(MessageType::synchronize_instruction, kC11, kR1, targeted.toBody())},
        {"synchronize", message(MessageType::synchronize, kR1, kR2, whole.toBody())},
        {"synchronize-result", message(MessageType::synchronize_result, kR2, kR1, reportBody(report(), digests))},
        {"synchronize-progress", message(MessageType::synchronize_progress, kR1, kC11,
                                         SyncProgress{whole.sync_id, {kC11, kR2}, 3}.toBody())},
        {"sync-digests", message(MessageType::sync_digests, kR1, kR2, SyncDigests{whole.sync_id, kShare, digests}.toBody())},
        {"request-entries", message(MessageType::request_entries, kR2, kR1, EntriesRequest{kShare, {kC11}, true}.toBody())},
        {"answer", message(MessageType::answer, kR1, kR2, answer)},
    };
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " OUT_FOLDER\n";
        return 2;
    }
    const fs::path out = argv[1];
    fs::create_directories(out / "protocol");
    fs::create_directories(out / "frame");

    const auto all = messages();
    for (const auto& [name, bytes] : all) write(out / "protocol" / (name + ".json"), bytes);
    // The remote-access lane (docs/protocol.md §4.7): a listing and a chunk with raw bytes.
    RemoteMessage remote;
    remote.from = kR2;
    remote.to = kR1;
    remote.transfer = "0123456789abcdef0123456789abcdef";
    remote.asker = "client21@relay-server2.net";
    remote.owner = kC11;
    remote.share_id = kShare;
    remote.type = RemoteType::browse_result;
    remote.folder = true;
    remote.size = 0;
    remote.items = {{"design.doc", false, 13, 1000}, {"drawings", true, 0, 2000}};
    write(out / "protocol" / "remote-browse-result.bin", encodeRemote(remote));
    remote.type = RemoteType::fetch_data;
    remote.items.clear();
    remote.size = 6;
    remote.last = true;
    remote.hash = "sha256:00";
    remote.data = std::string("a\nb\0c\xff", 6);
    write(out / "protocol" / "remote-fetch-data.bin", encodeRemote(remote));

    // Frame inputs: byte 0 max_frame_bytes (0: 16 MiB), bytes 1-2 piece sizes, then the stream.
    const auto header = [](unsigned char max, unsigned char a, unsigned char b) {
        return std::string{static_cast<char>(max), static_cast<char>(a), static_cast<char>(b)};
    };
    std::string session = direct::encodeHello(kR1);
    std::uint64_t seq = 0;
    for (const auto& [name, bytes] : all) session += direct::encodeMessage(++seq, bytes);
    session += direct::encodeAck(3) + direct::encodeFrame(direct::FrameType::ping, "") +
               direct::encodeFrame(direct::FrameType::pong, "");
    write(out / "frame" / "session.bin", header(0, 7, 3) + session);
    write(out / "frame" / "hello-ack.bin", header(0, 0, 1) + direct::encodeHello(kC11) + direct::encodeAck(1));
    write(out / "frame" / "answer.bin", header(0, 5, 2) + direct::encodeMessage(9, all.back().second));
    // A small max_frame_bytes: the HELLO passes, the MESSAGE is refused by its header.
    write(out / "frame" / "oversized.bin", header(40, 3, 4) + direct::encodeHello(kC21) +
                                               direct::encodeMessage(2, all.front().second));
    write(out / "frame" / "ping-pong.bin", header(9, 1, 1) + direct::encodeFrame(direct::FrameType::ping, "") +
                                               direct::encodeFrame(direct::FrameType::pong, ""));
    std::cout << all.size() << " protocol seeds and 5 frame seeds in " << out.string() << "\n";
    return 0;
}
