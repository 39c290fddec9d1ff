#include "apps/admin/remote_cli.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include <openssl/evp.h>

#include <Poco/JSON/Parser.h>

#include "admin/admin_reply.h"
#include "assembly/status_view.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;  // --owner, --path, --limit-rate
    bool restart = false;
};

Options parseOptions(const RemoteCli& cli, const std::vector<std::string>& args, const std::vector<std::string>& valued,
                     bool restart_allowed) {
    Options options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (arg == "--restart" && restart_allowed) {
            options.restart = true;
        } else if (std::find(valued.begin(), valued.end(), arg) != valued.end()) {
            if (i + 1 >= args.size()) cli.usage_error(arg + " needs a value");
            options.values[arg] = args[++i];
        } else if (arg.rfind("--", 0) == 0) {
            cli.usage_error("unknown option " + arg);
        } else {
            options.positional.push_back(arg);
        }
    }
    return options;
}

int exitCodeOf(const std::string& code) {
    static const std::map<std::string, int> codes{
        {"offline", kExitOwnerOffline},  {"gone", kExitEntryGone},      {"unreachable", kExitEntryGone},
        {"not-member", kExitNotMember},  {"refused", kExitPolicyRefused}, {"bad-path", kExitBadPath},
        {"changed", kExitChangedDuringFetch},
    };
    const auto found = codes.find(code);
    return found == codes.end() ? 1 : found->second;
}

// The refusal in a result, if any: prints it and gives the exit code.
std::optional<int> refusal(const RemoteCli& cli, const Poco::JSON::Object::Ptr& result, const std::string& what,
                           const std::string& hint = {}) {
    const auto refused = result->getObject("refused");
    if (!refused) return std::nullopt;
    const auto code = json::optionalString(refused, "code");
    std::cerr << cli.program << ": " << what << " refused (" << code << "): " << json::optionalString(refused, "reason")
              << "\n";
    if (!hint.empty()) std::cerr << cli.program << ": " << hint << "\n";
    if (cli.json) std::cout << toJsonText(result) << "\n";
    return exitCodeOf(code);
}

Poco::JSON::Object::Ptr targetArgs(const std::string& share, const std::string& name, const std::string& path,
                                   const std::string& owner) {
    Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
    args->set("share", share);
    args->set("name", name);
    if (!path.empty()) args->set("path", path);
    if (!owner.empty()) args->set("owner", owner);
    return args;
}

std::string mebibytes(double bytes) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << bytes / (1024.0 * 1024.0) << " MiB";
    return out.str();
}

struct DigestDeleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

class Sha256 {
public:
    Sha256() { EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr); }
    void add(const char* data, std::size_t size) { EVP_DigestUpdate(context_.get(), data, size); }
    std::string finish() {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned size = 0;
        EVP_DigestFinal_ex(context_.get(), out, &size);
        static const char* digits = "0123456789abcdef";
        std::string text = "sha256:";
        for (unsigned i = 0; i < size; ++i) {
            text += digits[out[i] >> 4];
            text += digits[out[i] & 15];
        }
        return text;
    }

private:
    std::unique_ptr<EVP_MD_CTX, DigestDeleter> context_{EVP_MD_CTX_new()};
};

// What DEST.part.json says of the part beside it: which source and which version of it.
struct PartIdentity {
    std::string share_id, owner, name, path;
    std::int64_t size = -1, modified_ms = 0;
};

std::optional<PartIdentity> readPartIdentity(const fs::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    try {
        std::stringstream text;
        text << in.rdbuf();
        Poco::JSON::Parser parser;
        const auto json = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
        PartIdentity part;
        part.share_id = json::requireString(json, "share_id", "part");
        part.owner = json::requireString(json, "owner", "part");
        part.name = json::requireString(json, "name", "part");
        part.path = json::requireString(json, "path", "part");
        part.size = json::requireInt(json, "size", "part");
        part.modified_ms = json::requireInt(json, "modified_ms", "part");
        return part;
    } catch (const std::exception&) {
        return std::nullopt;  // unreadable: fetched afresh
    }
}

void writePartIdentity(const fs::path& file, const PartIdentity& part) {
    Poco::JSON::Object json;
    json.set("share_id", part.share_id);
    json.set("owner", part.owner);
    json.set("name", part.name);
    json.set("path", part.path);
    json.set("size", static_cast<Poco::Int64>(part.size));
    json.set("modified_ms", static_cast<Poco::Int64>(part.modified_ms));
    std::ofstream out(file, std::ios::trunc);
    json.stringify(out);
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

// One fetch run: its files, bytes and progress line.
class Fetcher {
public:
    Fetcher(const RemoteCli& cli, std::string share, std::string name, std::string owner, bool restart,
            std::uint64_t rate)
        : cli_(cli), share_(std::move(share)), name_(std::move(name)), owner_(std::move(owner)), restart_(restart),
          rate_(rate), progress_(!cli.json && ::isatty(STDERR_FILENO)) {}

    // The entry (or the path in it) to `dest`: a file, or a folder and everything in it.
    int fetch(const std::string& path, const fs::path& dest) {
        const auto browsed = cli_.ask("browse", targetArgs(share_, name_, path, owner_));
        if (auto code = refusal(cli_, browsed, "browse of " + shown(path))) return *code;
        owner_ = json::optionalString(browsed, "owner");
        share_ = json::optionalString(browsed, "share_id");
        if (json::optionalString(browsed, "kind") == "file") {
            auto target = dest;
            if (fs::is_directory(target)) target /= fs::path(path.empty() ? name_ : path).filename();
            return fetchFile(path, target);
        }
        std::error_code error;
        fs::create_directories(dest, error);
        if (error) throw std::runtime_error("cannot make folder " + dest.string() + ": " + error.message());
        if (browsed->optValue<Poco::Int64>("more_items", 0) > 0)
            throw std::runtime_error(shown(path) + " holds more items than one browse answer carries; fetch its subfolders one by one");
        const auto items = browsed->getArray("items");
        for (std::size_t i = 0; items && i < items->size(); ++i) {
            const auto item = items->getObject(static_cast<unsigned>(i));
            const auto child = json::optionalString(item, "name");
            const auto child_path = path.empty() ? child : path + "/" + child;
            if (const int code = fetch(child_path, dest / child); code != 0) return code;
        }
        return 0;
    }

    Poco::JSON::Object::Ptr summary() const {
        Poco::JSON::Object::Ptr json = new Poco::JSON::Object;
        json->set("share_id", share_);
        json->set("owner", owner_);
        json->set("files", files_);
        json->set("bytes", static_cast<Poco::Int64>(total_bytes_));
        json->set("seconds", std::chrono::duration<double>(Clock::now() - started_).count());
        return json;
    }

private:
    std::string shown(const std::string& path) const { return "'" + name_ + (path.empty() ? "" : "/" + path) + "'"; }

    int fetchFile(const std::string& path, const fs::path& dest) {
        const fs::path part = dest.string() + ".part", identity_file = dest.string() + ".part.json";
        std::uint64_t offset = 0;
        PartIdentity expected{share_, owner_, name_, path, -1, 0};
        if (restart_) {
            fs::remove(part);
            fs::remove(identity_file);
        } else if (const auto known = readPartIdentity(identity_file);
                   known && fs::exists(part) && known->share_id == share_ && known->owner == owner_ &&
                   known->name == name_ && known->path == path) {
            offset = fs::file_size(part);
            expected = *known;
        }
        // What is already there counts in the hash; the owner hashes the whole file too.
        Sha256 hash;
        const int fd = ::open(part.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) throw std::runtime_error("cannot open " + part.string() + ": " + std::strerror(errno));
        const std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* f) {
            ::close(*f);
            delete f;
        });
        if (offset > 0) {
            std::vector<char> buffer(1 << 20);
            for (std::uint64_t done = 0; done < offset;) {
                const auto got = ::pread(fd, buffer.data(), std::min<std::uint64_t>(buffer.size(), offset - done),
                                         static_cast<off_t>(done));
                if (got <= 0) throw std::runtime_error("cannot read " + part.string());
                hash.add(buffer.data(), static_cast<std::size_t>(got));
                done += static_cast<std::uint64_t>(got);
            }
        }
        if (::ftruncate(fd, static_cast<off_t>(offset)) != 0) throw std::runtime_error("cannot truncate " + part.string());

        auto open_args = targetArgs(share_, name_, path, owner_);
        open_args->set("offset", static_cast<Poco::Int64>(offset));
        if (expected.size >= 0) {
            open_args->set("expect_size", static_cast<Poco::Int64>(expected.size));
            open_args->set("expect_modified_ms", static_cast<Poco::Int64>(expected.modified_ms));
        }
        const auto opened = cli_.ask("fetch-open", open_args);
        const auto transfer = json::optionalString(opened, "transfer");
        Poco::JSON::Object::Ptr next_args = new Poco::JSON::Object;
        next_args->set("transfer", transfer);
        const auto file_started = Clock::now();
        const auto resumed_from = offset;
        for (;;) {
            const auto next = cli_.ask("fetch-next", next_args);
            if (next->optValue<bool>("pending", false)) continue;
            const auto hint = fs::exists(part) && fs::file_size(part) > 0
                                  ? "the part fetched so far is in " + part.string() + "; the same command resumes it" +
                                        " (--restart fetches it anew)"
                                  : std::string();
            if (auto code = refusal(cli_, next, "fetch of " + shown(path), hint)) {
                endProgress();
                return *code;
            }
            const auto at = static_cast<std::uint64_t>(next->getValue<Poco::Int64>("offset"));
            const auto size = next->getValue<Poco::Int64>("size");
            if (at != offset) throw std::runtime_error("the daemon sent bytes at " + std::to_string(at) + ", not " + std::to_string(offset));
            if (expected.size < 0) {
                expected.size = size;
                expected.modified_ms = next->getValue<Poco::Int64>("modified_ms");
                writePartIdentity(identity_file, expected);
            }
            const auto data = next->getValue<std::string>(kAttachment);
            for (std::size_t written = 0; written < data.size();) {
                const auto put = ::pwrite(fd, data.data() + written, data.size() - written,
                                          static_cast<off_t>(offset + written));
                if (put < 0) throw std::runtime_error("cannot write " + part.string() + ": " + std::strerror(errno));
                written += static_cast<std::size_t>(put);
            }
            hash.add(data.data(), data.size());
            offset += data.size();
            total_bytes_ += data.size();
            showProgress(dest, offset, static_cast<std::uint64_t>(size), offset - resumed_from, file_started);
            if (next->optValue<bool>("last", false)) {
                endProgress();
                const auto owner_hash = json::optionalString(next, "hash");
                const auto own_hash = hash.finish();
                if (own_hash != owner_hash) {
                    fs::remove(part);
                    fs::remove(identity_file);
                    std::cerr << cli_.program << ": " << dest.string() << " did not verify: " << own_hash << " here, "
                              << owner_hash << " at " << owner_ << "; nothing was kept\n";
                    return kExitNotVerified;
                }
                if (::fsync(fd) != 0) throw std::runtime_error("cannot sync " + part.string());
                fs::rename(part, dest);
                fs::remove(identity_file);
                Poco::JSON::Object::Ptr file = new Poco::JSON::Object;
                file->set("path", dest.string());
                file->set("source", name_ + (path.empty() ? "" : "/" + path));
                file->set("bytes", static_cast<Poco::Int64>(offset));
                file->set("resumed_from", static_cast<Poco::Int64>(resumed_from));
                file->set("hash", own_hash);
                files_->add(file);
                if (!cli_.json) std::cout << dest.string() << ": " << offset << " bytes, " << own_hash << "\n";
                return 0;
            }
            throttle(offset - resumed_from, file_started);
        }
    }

    // --limit-rate: no faster than `rate_` bytes a second.
    void throttle(std::uint64_t bytes, Clock::time_point started) const {
        if (rate_ == 0) return;
        const auto due = started + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(static_cast<double>(bytes) / static_cast<double>(rate_)));
        std::this_thread::sleep_until(due);
    }

    void showProgress(const fs::path& dest, std::uint64_t done, std::uint64_t size, std::uint64_t fetched,
                      Clock::time_point started) {
        if (!progress_) return;
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        const double rate = seconds > 0 ? static_cast<double>(fetched) / seconds : 0;
        std::cerr << "\r" << dest.filename().string() << ": " << mebibytes(static_cast<double>(done)) << " of "
                  << mebibytes(static_cast<double>(size)) << ", " << mebibytes(rate) << "/s";
        if (rate > 0) std::cerr << ", " << static_cast<long>(static_cast<double>(size - done) / rate) << " s left";
        std::cerr << "   " << std::flush;
        shown_progress_ = true;
    }
    void endProgress() {
        if (shown_progress_) std::cerr << "\n";
        shown_progress_ = false;
    }

    const RemoteCli& cli_;
    std::string share_, name_, owner_;
    const bool restart_;
    const std::uint64_t rate_;
    const bool progress_;
    bool shown_progress_ = false;
    std::uint64_t total_bytes_ = 0;
    Poco::JSON::Array::Ptr files_ = new Poco::JSON::Array;
    const Clock::time_point started_ = Clock::now();
};

}  // namespace

int runBrowse(const RemoteCli& cli, const std::vector<std::string>& args) {
    const auto options = parseOptions(cli, args, {"--owner"}, false);
    if (options.positional.size() < 2 || options.positional.size() > 3)
        cli.usage_error("browse takes SHARE NAME [SUBPATH] [--owner OWNER]");
    const auto& p = options.positional;
    const auto owner = options.values.count("--owner") ? options.values.at("--owner") : std::string();
    auto result = cli.ask("browse", targetArgs(p[0], p[1], p.size() > 2 ? p[2] : std::string(), owner));
    if (auto code = refusal(cli, result, "browse of '" + p[1] + (p.size() > 2 ? "/" + p[2] : std::string()) + "'"))
        return *code;
    if (cli.json) {
        result->remove("text");
        std::cout << toJsonText(result) << "\n";
    } else {
        std::cout << json::optionalString(result, "text");
    }
    return 0;
}

int runFetch(const RemoteCli& cli, const std::vector<std::string>& args) {
    const auto options = parseOptions(cli, args, {"--owner", "--path", "--limit-rate"}, true);
    if (options.positional.size() != 3)
        cli.usage_error("fetch takes SHARE NAME DEST [--path SUBPATH] [--owner OWNER] [--restart] [--limit-rate BYTES]");
    const auto value = [&](const char* name) {
        return options.values.count(name) ? options.values.at(name) : std::string();
    };
    std::uint64_t rate = 0;
    if (const auto text = value("--limit-rate"); !text.empty()) {
        if (text.find_first_not_of("0123456789") != std::string::npos || text.size() > 15)
            cli.usage_error("--limit-rate takes a number of bytes a second");
        rate = std::stoull(text);
    }
    const auto& p = options.positional;
    auto path = value("--path");
    while (!path.empty() && path.back() == '/') path.pop_back();
    Fetcher fetcher(cli, p[0], p[1], value("--owner"), options.restart, rate);
    const int code = fetcher.fetch(path, p[2]);
    if (code == 0 && cli.json) std::cout << toJsonText(fetcher.summary()) << "\n";
    return code;
}

}  // namespace relaysync::core
