#pragma once
// The hash checker's settings: the key table core validates profiles against, and the parsed form.

#include <cstddef>
#include <string>

#include "relaysync/sdk/plugin_config.h"

namespace relaysync::checker_hash {

inline constexpr sdk::ConfigKey kConfigKeys[] = {
    {"algorithm", "sha256", "an OpenSSL digest name: sha256, sha512, sha3-256, blake2b512, ..."},
    {"block_bytes", "1048576", "bytes read from the store at once, 4096 to 67108864"},
    {"cache_file", "", "where hashes of unchanged files are kept between runs; empty: in memory only"},
    {"trust_cache", "true", "false: read every file again on every check (a full check), whatever the cache says"},
    {"threads", "0", "files hashed at once, 1 to 64; 0: as many as core likes (one per processor core)"},
};

struct HashConfig {
    std::string algorithm;  // OpenSSL's name, lower case; also the prefix of every hash ("sha256:...")
    std::size_t block_bytes = 0;
    std::string cache_file;
    bool trust_cache = true;
    std::size_t threads = 0;  // 0: the host decides
};

// Throws std::invalid_argument starting with the key.
HashConfig parseConfig(const sdk::PluginConfig& config);

}  // namespace relaysync::checker_hash
