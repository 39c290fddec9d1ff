// Counting and printing a report.

#include <algorithm>
#include <cstdio>

#include "relaysync/sdk/conformance/store_conformance.h"

namespace relaysync::sdk::conformance {

const char* toString(CaseOutcome outcome) noexcept {
    switch (outcome) {
    case CaseOutcome::passed: return "passed";
    case CaseOutcome::failed: return "FAILED";
    case CaseOutcome::skipped: return "skipped";
    }
    return "unknown";
}

std::size_t ConformanceReport::count(CaseOutcome outcome) const {
    return static_cast<std::size_t>(
        std::count_if(cases.begin(), cases.end(), [&](const CaseResult& c) { return c.outcome == outcome; }));
}

std::string describeCapabilities(std::uint32_t capabilities) {
    static const std::pair<std::uint32_t, const char*> kNames[] = {
        {StoreCapability::list_details, "list_details"},
        {StoreCapability::root_identity, "root_identity"},
        {StoreCapability::entity_identity, "entity_identity"},
        {StoreCapability::content, "content"}};
    std::string text;
    std::uint32_t known = 0;
    for (const auto& [bit, name] : kNames) {
        known |= bit;
        if (capabilities & bit) text += (text.empty() ? "" : ", ") + std::string(name);
    }
    // A bit from a newer SDK minor: shown, since this suite cannot check it.
    if (const std::uint32_t rest = capabilities & ~known)
        text += (text.empty() ? "" : ", ") + std::string("unknown bits 0x") + [rest] {
            char hex[16];
            std::snprintf(hex, sizeof hex, "%x", rest);
            return std::string(hex);
        }();
    return text.empty() ? "none" : text;
}

std::string formatReport(const ConformanceReport& report) {
    std::size_t width = 4;
    for (const auto& c : report.cases) width = std::max(width, c.name.size());
    const auto pad = [](std::string s, std::size_t n) { return s.size() < n ? s + std::string(n - s.size(), ' ') : s; };

    std::string text = "store " + report.store + " (capabilities: " + describeCapabilities(report.capabilities) + ")\n";
    text += "  " + pad("outcome", 9) + pad("case", width + 2) + "time\n";
    for (const auto& c : report.cases) {
        text += "  " + pad(toString(c.outcome), 9) + pad(c.name, width + 2) + std::to_string(c.elapsed.count()) + " ms\n";
        std::size_t begin = 0;
        while (begin < c.detail.size()) {  // each line of the detail, indented under the case
            const auto end = std::min(c.detail.find('\n', begin), c.detail.size());
            text += std::string(11, ' ') + c.detail.substr(begin, end - begin) + "\n";
            begin = end + 1;
        }
    }
    text += std::to_string(report.count(CaseOutcome::passed)) + " passed, " +
            std::to_string(report.count(CaseOutcome::failed)) + " failed, " +
            std::to_string(report.count(CaseOutcome::skipped)) + " skipped";
    if (report.hung) text += "; a case hung, the store may still be busy";
    return text + "\n";
}

}  // namespace relaysync::sdk::conformance
