#include "archive_index.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "deadline.h"
#include "store_path.h"

namespace storage_archive {

namespace sdk = relaysync::sdk;

namespace {

// As Linux's own bound on symlinks in one path lookup: enough for any sane tree, and a loop
// ends here instead of running forever.
constexpr int kMaxSymlinks = 40;

std::int64_t modifiedMs(archive_entry* entry) {
    if (!::archive_entry_mtime_is_set(entry)) return 0;
    // The nanoseconds are never negative, so this floors correctly for times before 1970 too.
    return static_cast<std::int64_t>(::archive_entry_mtime(entry)) * 1000 + ::archive_entry_mtime_nsec(entry) / 1'000'000;
}

// A member's size when its header does not give it (some zip members): its data, counted.
sdk::Status countData(ArchiveReader& reader, const sdk::CallContext& call, std::uint64_t& size) {
    size = 0;
    std::vector<char> chunk;
    for (;;) {
        if (call.expired()) return timedOut("indexing archive " + reader.path());
        if (auto s = reader.readData(64 * 1024, chunk); !s.isOk()) return s;
        if (chunk.empty()) return sdk::Status::ok();
        size += chunk.size();
    }
}

// The key of what holds `key`: "a/b" for "a/b/c", "" for "a".
std::string parentOf(const std::string& key) {
    const auto slash = key.rfind('/');
    return slash == std::string::npos ? std::string() : key.substr(0, slash);
}

// A symlink's target as components, ".." and "." kept: they mean something relative to the link.
std::vector<std::string> targetComponents(const std::string& target) {
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    while (start <= target.size()) {
        const auto end = std::min(target.find('/', start), target.size());
        parts.push_back(target.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

}  // namespace

sdk::Status ArchiveIndex::build(ArchiveReader& reader, const sdk::CallContext& call,
                                std::shared_ptr<const ArchiveIndex>& index) {
    index.reset();
    std::shared_ptr<ArchiveIndex> built(new ArchiveIndex(reader.version()));
    Member root;
    root.implied = true;
    built->members_.emplace("", std::move(root));

    std::vector<std::string> components, link_components;
    for (;;) {
        if (call.expired()) return timedOut("indexing archive " + reader.path());
        archive_entry* entry = nullptr;
        if (auto s = reader.next(entry); !s.isOk()) return s;
        if (!entry) break;
        const char* raw = ::archive_entry_pathname(entry);
        if (!raw || !splitMemberName(raw, components)) continue;

        Member member;
        member.modified_ms = modifiedMs(entry);
        if (const char* link = ::archive_entry_hardlink(entry)) {
            // A tar hard link: another name for a file stored earlier, whose member has the data.
            if (!splitMemberName(link, link_components)) continue;
            const Member* target = built->find(joinPath(link_components));
            if (!target || target->kind != Kind::file) continue;
            member = *target;
        } else {
            switch (::archive_entry_filetype(entry)) {
            case AE_IFDIR: member.kind = Kind::folder; break;
            case AE_IFLNK: {
                const char* target = ::archive_entry_symlink(entry);
                if (!target) continue;
                member.kind = Kind::symlink;
                member.link_target = target;
                break;
            }
            case AE_IFREG:
                member.kind = Kind::file;
                member.data_ordinal = reader.ordinal();
                member.data_name = raw;
                if (::archive_entry_size_is_set(entry)) {
                    member.size = static_cast<std::uint64_t>(std::max<la_int64_t>(::archive_entry_size(entry), 0));
                } else if (auto s = countData(reader, call, member.size); !s.isOk()) {
                    return s;
                }
                break;
            default: continue;  // devices, fifos, sockets: not entities
            }
        }
        if (components.empty()) {  // "./": the root's own member, which gives it a time
            if (member.kind == Kind::folder) {
                built->members_[""].modified_ms = member.modified_ms;
                built->members_[""].implied = false;
            }
            continue;
        }
        built->add(components, std::move(member));
    }

    // Implied folders have no time of their own: they take the latest of anything beneath them,
    // which changes only when what is beneath changes. Every key comes after its ancestors in
    // the map's order, so walking it backwards meets each folder after all it holds.
    std::unordered_map<std::string, std::int64_t> latest_beneath;
    for (auto it = built->members_.rbegin(); it != built->members_.rend(); ++it) {
        auto& [key, member] = *it;
        const auto beneath = latest_beneath.find(key);
        const std::int64_t inside = beneath == latest_beneath.end() ? 0 : beneath->second;
        if (member.implied) member.modified_ms = inside;
        if (key.empty()) break;
        auto& parent = latest_beneath[parentOf(key)];
        parent = std::max({parent, member.modified_ms, inside});
    }
    index = std::move(built);
    return sdk::Status::ok();
}

void ArchiveIndex::add(const std::vector<std::string>& components, Member member) {
    // Extracting "a/b" needs "a" to be a folder: when the archive made it a file or a link
    // earlier, "a/b" could not be extracted either, and is left out.
    for (std::size_t depth = 1; depth < components.size(); ++depth) {
        const Member* ancestor = find(joinPath(components, depth));
        if (ancestor && ancestor->kind != Kind::folder) return;
    }
    std::string parent;
    for (std::size_t depth = 1; depth < components.size(); ++depth) {
        const auto key = joinPath(components, depth);
        auto [it, inserted] = members_.try_emplace(key);
        if (inserted) {
            it->second.implied = true;
            members_[parent].children.insert(components[depth - 1]);
        }
        parent = key;
    }

    const auto key = joinPath(components);
    const auto existing = members_.find(key);
    if (existing == members_.end()) {
        members_[parent].children.insert(components.back());
        members_.emplace(key, std::move(member));
    } else if (existing->second.kind == Kind::folder) {
        // A folder stays a folder (its contents were listed already); a repeated folder member
        // gives it its time.
        if (member.kind == Kind::folder) {
            existing->second.modified_ms = member.modified_ms;
            existing->second.implied = false;
        }
    } else if (member.kind != Kind::folder) {
        existing->second = std::move(member);  // a file or link given twice: the last one counts, as when extracting
    }
}

const ArchiveIndex::Member* ArchiveIndex::find(const std::string& key) const {
    const auto it = members_.find(key);
    return it == members_.end() ? nullptr : &it->second;
}

sdk::Status ArchiveIndex::resolve(const std::vector<std::string>& components, const std::string& path,
                                  std::string& key, const Member*& member) const {
    const auto outside = [&] {
        return sdk::Status::invalidArgument("path '" + path + "' leads outside the archive through a symbolic link");
    };
    std::vector<std::string> done;  // resolved so far: no symlink in it
    std::deque<std::string> todo(components.begin(), components.end());
    const Member* current = find("");
    int links = 0;
    while (!todo.empty()) {
        const std::string name = std::move(todo.front());
        todo.pop_front();
        if (name.empty() || name == ".") continue;  // only from link targets
        if (current->kind != Kind::folder)
            return sdk::Status::notFound("'" + path + "' does not exist: '" + joinPath(done) + "' is a file");
        if (name == "..") {
            if (done.empty()) return outside();
            done.pop_back();
            current = find(joinPath(done));
            continue;
        }
        done.push_back(name);
        current = find(joinPath(done));
        if (!current) return sdk::Status::notFound("'" + path + "' does not exist");
        if (current->kind != Kind::symlink) continue;

        if (++links > kMaxSymlinks)
            return sdk::Status::ioError("'" + path + "': too many levels of symbolic links (a loop?)");
        if (current->link_target.empty()) return sdk::Status::notFound("'" + path + "': a symbolic link to nothing");
        // An absolute target names something on the machine that extracts the archive, never
        // something inside it.
        if (current->link_target.front() == '/') return outside();
        const auto target = targetComponents(current->link_target);
        done.pop_back();  // the target is relative to the folder holding the link
        current = find(joinPath(done));
        todo.insert(todo.begin(), target.begin(), target.end());
    }
    key = joinPath(done);
    member = current;
    return sdk::Status::ok();
}

sdk::EntityDetails ArchiveIndex::details(const std::string& key, const Member& member) const {
    sdk::EntityDetails details;
    details.kind = member.kind == Kind::folder ? sdk::EntityKind::folder : sdk::EntityKind::file;
    details.modified_ms = member.modified_ms;
    details.size = member.kind == Kind::file ? member.size : 0;
    // Members have no inode; what identifies their content is the archive file's version (any
    // rewrite changes it) and where they are in it. A checker that caches by identity re-reads
    // an archive's members after every rewrite, never misses a change.
    details.identity.change_token = version_.text() + "/" + key;
    return details;
}

}  // namespace storage_archive
