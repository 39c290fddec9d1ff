#include "hash_cache.h"

#include <cstdio>
#include <sstream>
#include <vector>

#include "percent_escape.h"

namespace relaysync::checker_hash {

namespace {

// One line per entry, tab-separated; text fields percent-encoded so that a tab, a line break or
// a '%' in a path cannot break the line.
std::string encode(const std::string& text) {
    return percentEscape(text, [](unsigned char byte) { return byte == '\t' || byte == '\n' || byte == '\r'; });
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool decode(const std::string& text, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || hexValue(text[i + 1]) < 0 || hexValue(text[i + 2]) < 0) return false;
        out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
        i += 2;
    }
    return true;
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const auto tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return fields;
        start = tab + 1;
    }
}

}  // namespace

// store, path, device, file_id, changed_ns, change_token, size, modified_ms, hash
std::string HashCache::line(const std::string& store, const std::string& path, const Entry& entry) {
    std::ostringstream text;
    text << encode(store) << '\t' << encode(path) << '\t' << entry.identity.device << '\t' << entry.identity.file_id << '\t'
         << entry.identity.changed_ns << '\t' << encode(entry.identity.change_token) << '\t' << entry.size << '\t'
         << entry.modified_ms << '\t' << entry.hash << '\n';
    return text.str();
}

HashCache::HashCache(std::string file) : file_(std::move(file)) {
    if (file_.empty()) return;
    load();
    out_.open(file_, std::ios::app);
    if (!out_) error_ = "cannot write " + file_;
}

HashCache::~HashCache() {
    std::lock_guard lock(mutex_);
    if (!file_.empty() && lines_ > 2 * entries_.size() + 1000) compact();
}

void HashCache::load() {
    std::ifstream in(file_);
    std::string line;
    while (std::getline(in, line)) {
        ++lines_;
        // store, path, device, file_id, changed_ns, change_token, size, modified_ms, hash
        const auto fields = split(line);
        if (fields.size() != 9) continue;  // a line cut short by a crash: skipped
        std::string store, path, token;
        Entry entry;
        try {
            if (!decode(fields[0], store) || !decode(fields[1], path) || !decode(fields[5], token)) continue;
            entry.identity.device = std::stoull(fields[2]);
            entry.identity.file_id = std::stoull(fields[3]);
            entry.identity.changed_ns = std::stoll(fields[4]);
            entry.identity.change_token = token;
            entry.size = std::stoull(fields[6]);
            entry.modified_ms = std::stoll(fields[7]);
        } catch (const std::exception&) {
            continue;
        }
        entry.hash = fields[8];
        entries_[key(store, path)] = std::move(entry);
    }
}

std::optional<std::string> HashCache::find(const std::string& store, const std::string& path,
                                           const sdk::EntityDetails& now) const {
    if (!now.identity.known()) return std::nullopt;
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(key(store, path));
    if (found == entries_.end()) return std::nullopt;
    const Entry& entry = found->second;
    if (!(entry.identity == now.identity) || entry.size != now.size || entry.modified_ms != now.modified_ms)
        return std::nullopt;
    return entry.hash;
}

void HashCache::put(const std::string& store, const std::string& path, const sdk::EntityDetails& now, const std::string& hash) {
    if (!now.identity.known()) return;  // could never be found again
    std::lock_guard lock(mutex_);
    Entry entry{now.identity, now.size, now.modified_ms, hash};
    entries_[key(store, path)] = entry;
    if (!out_) return;
    out_ << line(store, path, entry);
    out_.flush();
    ++lines_;
}

void HashCache::compact() {
    const std::string temporary = file_ + ".new";
    {
        std::ofstream rewritten(temporary, std::ios::trunc);
        for (const auto& [joined, entry] : entries_) {
            const auto newline = joined.find('\n');
            rewritten << line(joined.substr(0, newline), joined.substr(newline + 1), entry);
        }
        if (!rewritten) return;
    }
    out_.close();
    std::rename(temporary.c_str(), file_.c_str());
}

std::size_t HashCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

std::string HashCache::lastError() const {
    std::lock_guard lock(mutex_);
    return error_;
}

}  // namespace relaysync::checker_hash
