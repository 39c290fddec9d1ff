#include "hash_config.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "config_text.h"

namespace relaysync::checker_hash {

namespace {

std::string text(const sdk::PluginConfig& config, const char* key) {
    if (const auto found = config.find(key); found != config.end()) return plugin_common::trim(found->second);
    for (const auto& declared : kConfigKeys)
        if (std::string(declared.name) == key) return declared.default_value ? declared.default_value : "";
    return {};
}

}  // namespace

HashConfig parseConfig(const sdk::PluginConfig& config) {
    for (const auto& entry : config) {
        bool known = false;
        for (const auto& declared : kConfigKeys) known = known || entry.first == declared.name;
        if (!known) plugin_common::failKey(entry.first, "unknown setting of the hash checker");
    }
    HashConfig parsed;
    parsed.algorithm = text(config, "algorithm");
    std::transform(parsed.algorithm.begin(), parsed.algorithm.end(), parsed.algorithm.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    EVP_MD* md = EVP_MD_fetch(nullptr, parsed.algorithm.c_str(), nullptr);
    if (!md) plugin_common::failKey("algorithm", "'" + parsed.algorithm + "' is not a digest OpenSSL knows here");
    const bool xof = (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF) != 0;
    EVP_MD_free(md);
    if (xof) plugin_common::failKey("algorithm", "'" + parsed.algorithm + "' has no fixed length (shake*): pick a fixed one");
    parsed.block_bytes = plugin_common::wholeNumber("block_bytes", text(config, "block_bytes"), 4096, 64ull << 20);
    parsed.cache_file = text(config, "cache_file");
    const std::string trust = text(config, "trust_cache");
    if (trust != "true" && trust != "false") plugin_common::failKey("trust_cache", "'" + trust + "' is not true or false");
    parsed.trust_cache = trust == "true";
    parsed.threads = plugin_common::wholeNumber("threads", text(config, "threads"), 0, 64);
    return parsed;
}

}  // namespace relaysync::checker_hash
