#include "hash_config.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "config_reader.h"
#include "config_text.h"

namespace relaysync::checker_hash {

HashConfig parseConfig(const sdk::PluginConfig& config) {
    const plugin_common::ConfigReader read(config, kConfigKeys, "the hash checker");
    HashConfig parsed;
    parsed.algorithm = read.trimmed("algorithm");
    std::transform(parsed.algorithm.begin(), parsed.algorithm.end(), parsed.algorithm.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    EVP_MD* md = EVP_MD_fetch(nullptr, parsed.algorithm.c_str(), nullptr);
    if (!md) plugin_common::failKey("algorithm", "'" + parsed.algorithm + "' is not a digest OpenSSL knows here");
    const bool xof = (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF) != 0;
    EVP_MD_free(md);
    if (xof) plugin_common::failKey("algorithm", "'" + parsed.algorithm + "' has no fixed length (shake*): pick a fixed one");
    parsed.block_bytes = read.number("block_bytes", 4096, 64ull << 20);
    parsed.cache_file = read.trimmed("cache_file");
    parsed.trust_cache = read.flag("trust_cache");
    parsed.threads = read.number("threads", 0, 64);
    return parsed;
}

}  // namespace relaysync::checker_hash
