// Every method may be called from several threads at once: under that load, each answer must
// be the one the same call gives alone.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "cases.h"
#include "describe.h"
#include "expected.h"

namespace relaysync::sdk::conformance {

namespace {

struct Operation {
    std::string name;
    std::function<std::string(CaseContext&)> answer;  // what it got, as comparable text
};

std::string fnv1a(const std::vector<char>& bytes) {
    std::uint64_t hash = 14695981039346656037ull;
    for (const char b : bytes) hash = (hash ^ static_cast<unsigned char>(b)) * 1099511628211ull;
    return std::to_string(hash);
}

// Codes, not messages: a message may name a thread or a time.
std::string statAnswer(CaseContext& c, const std::string& path) {
    EntityDetails d;
    const Status s = c.stat(c.call(), path, d);
    if (!s.isOk()) return toString(s.code());
    std::string text = describeDetails(d);
    if (c.has(StoreCapability::entity_identity)) text += "; " + describeIdentity(d.identity);
    return text;
}

std::string listAnswer(CaseContext& c, const std::string& path) {
    FolderListing items;
    const Status s = c.list(c.call(), path, items);
    if (!s.isOk()) return toString(s.code());
    std::vector<std::string> shown;
    for (const auto& item : items)
        shown.push_back(item.name + ": " +
                        (c.has(StoreCapability::list_details) ? describeDetails(item.details)
                                                              : std::string(toString(item.details.kind))));
    std::sort(shown.begin(), shown.end());
    std::string text;
    for (const auto& s : shown) text += s + "; ";
    return text;
}

std::string readAnswer(CaseContext& c, const std::string& path, std::uint64_t offset, std::size_t max_bytes) {
    std::vector<char> bytes;
    const Status s = c.read(c.call(), path, offset, max_bytes, bytes);
    if (!s.isOk()) return toString(s.code());
    return std::to_string(bytes.size()) + " bytes, FNV-1a " + fnv1a(bytes);
}

std::vector<Operation> operations(const CaseContext& c) {
    std::vector<Operation> ops;
    for (const auto& item : fixtureItems())
        if (c.options().symlinks || !item.isLink())
            ops.push_back({"stat " + quotedPath(item.path), [p = item.path](CaseContext& c) { return statAnswer(c, p); }});
    for (const auto& folder : fixtureFolders())
        ops.push_back({"list " + quotedPath(folder), [folder](CaseContext& c) { return listAnswer(c, folder); }});
    if (!c.has(StoreCapability::content)) return ops;
    const std::uint64_t large = findFixtureItem("large.bin")->content.size();
    for (const std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{7 * 65536 + 13}, large - 100})
        ops.push_back({"read 'large.bin' at " + std::to_string(offset),
                       [offset](CaseContext& c) { return readAnswer(c, "large.bin", offset, 65536); }});
    for (const char* path : {"hello.txt", "docs/report.txt"})
        ops.push_back({"read " + quotedPath(path), [path](CaseContext& c) { return readAnswer(c, path, 0, 65536); }});
    return ops;
}

}  // namespace

void concurrencyThreads(CaseContext& c) {
    const unsigned threads = c.options().threads;
    if (threads < 2) return c.skip("the options ask for " + std::to_string(threads) + " thread(s); at least 2 are needed");
    const auto ops = operations(c);
    std::vector<std::string> alone;
    for (const auto& op : ops) alone.push_back(op.answer(c));

    std::atomic<std::uint64_t> calls{0};
    const auto until = std::chrono::steady_clock::now() + c.options().concurrency_duration;
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            // Each thread starts elsewhere in the list, so that different calls overlap.
            for (std::size_t i = t * 7; std::chrono::steady_clock::now() < until; ++i) {
                const std::size_t k = i % ops.size();
                const std::string got = ops[k].answer(c);
                ++calls;
                if (got != alone[k])
                    c.fail(ops[k].name + " from thread " + std::to_string(t) + " of " + std::to_string(threads) +
                           ": expected the single-threaded answer '" + alone[k] + "', store answered '" + got + "'");
            }
        });
    }
    for (auto& w : workers) w.join();
    c.note(std::to_string(calls.load()) + " calls from " + std::to_string(threads) + " threads");
}

}  // namespace relaysync::sdk::conformance
