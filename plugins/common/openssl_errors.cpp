#include "openssl_errors.h"

#include <openssl/err.h>

namespace relaysync::plugin_common {

std::string opensslErrorQueue() {
    std::string reasons;
    while (const unsigned long code = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(code);
        if (!reasons.empty()) reasons += "; ";
        reasons += reason ? reason : "OpenSSL error " + std::to_string(code);
    }
    return reasons.empty() ? "no detail from OpenSSL" : reasons;
}

}  // namespace relaysync::plugin_common
