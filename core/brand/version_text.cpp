#include "brand/version_text.h"

#include "brand/brand.h"
#include "protocol/message.h"
#include "relaysync/sdk/plugin.h"

namespace relaysync::brand {

std::string versionText(std::string_view program) {
    std::string text(program);
    text += " (";
    text += kProductName;
    text += ") ";
    text += kVersion;
    text += "\nprotocol ";
    text += std::to_string(core::kProtocolVersion);
    text += ", plugin ABI ";
    text += std::to_string(RELAYSYNC_SDK_ABI_MAJOR);
    text += ".";
    text += std::to_string(RELAYSYNC_SDK_ABI_MINOR);
    text += "\n";
    if (!kVendor.empty()) {
        text += kVendor;
        text += "\n";
    }
    if (!kSupportUrl.empty()) {
        text += "support: ";
        text += kSupportUrl;
        text += "\n";
    }
    return text;
}

std::string helpFooter() {
    std::string text(kProductName);
    text += " ";
    text += kVersion;
    if (!kSupportUrl.empty()) {
        text += "; support: ";
        text += kSupportUrl;
    }
    return text;
}

std::string programName(std::string_view role) {
    std::string name(kProgramPrefix);
    name += "-";
    name += role;
    return name;
}

}  // namespace relaysync::brand
