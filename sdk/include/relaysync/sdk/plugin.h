#pragma once
// The one entry point of a plugin. A plugin is a shared library that includes only the SDK and
// exports one function, `relaysync_plugin_descriptor`, through RELAYSYNC_PLUGIN:
//
//     class MyStore final : public relaysync::sdk::ResourceStore {
//     public:
//         explicit MyStore(const relaysync::sdk::PluginConfig& config);  // may throw
//         ...
//     };
//     static const relaysync::sdk::ConfigKey kKeys[] = {
//         {"root", nullptr, "folder that holds the entities (required)"},
//     };
//     RELAYSYNC_PLUGIN(relaysync::sdk::ResourceStore, MyStore, "my-store", "What it is", kKeys)
//
// The host loads it with Boost.DLL, refuses a descriptor built for another ABI major version, a
// newer minor one or another C++ standard library ABI, checks the kind, validates the
// profile's keys against the key table, and only then creates an instance.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "relaysync/sdk/entity_checker.h"
#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/resource_store.h"
#include "relaysync/sdk/transport.h"
#include "relaysync/sdk/visibility.h"

// ABI of this SDK (docs/sdk-abi.md). Major: incompatible change; the host loads only its own
// major. Minor: additions a newer host still loads (capability bits, extension names, fields
// appended to structs and to the descriptor, read only when abi_minor says they are there); a
// host refuses a plugin of a newer minor than its own.
#define RELAYSYNC_SDK_ABI_MAJOR 2
#define RELAYSYNC_SDK_ABI_MINOR 2

// The interfaces pass std::string, std::vector and std::map, so a plugin must use the same C++
// standard library ABI as the host. The host compares this text with its own and refuses a
// plugin built against another one (libc++, libstdc++'s pre-C++11 strings, debug containers).
#if defined(_LIBCPP_VERSION)
#define RELAYSYNC_SDK_CXX_LIBRARY "libc++"
#elif defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
#define RELAYSYNC_SDK_CXX_LIBRARY "libstdc++ (C++11 ABI)"
#elif defined(__GLIBCXX__)
#define RELAYSYNC_SDK_CXX_LIBRARY "libstdc++ (pre-C++11 ABI)"
#else
#define RELAYSYNC_SDK_CXX_LIBRARY "unknown C++ library"
#endif
#if defined(_GLIBCXX_DEBUG) || defined(_LIBCPP_DEBUG)
#define RELAYSYNC_SDK_CXX_ABI RELAYSYNC_SDK_CXX_LIBRARY ", debug containers"
#else
#define RELAYSYNC_SDK_CXX_ABI RELAYSYNC_SDK_CXX_LIBRARY
#endif

#define RELAYSYNC_PLUGIN_ENTRY_POINT "relaysync_plugin_descriptor"

namespace relaysync::sdk {

enum class PluginKind : std::uint32_t { transport = 1, resource_store = 2, entity_checker = 3 };

inline const char* toString(PluginKind kind) noexcept {
    switch (kind) {
    case PluginKind::transport: return "transport";
    case PluginKind::resource_store: return "resource store";
    case PluginKind::entity_checker: return "entity checker";
    }
    return "unknown kind";
}

template <class Interface> struct PluginKindOf;
template <> struct PluginKindOf<Transport> { static constexpr PluginKind value = PluginKind::transport; };
template <> struct PluginKindOf<ResourceStore> { static constexpr PluginKind value = PluginKind::resource_store; };
template <> struct PluginKindOf<EntityChecker> { static constexpr PluginKind value = PluginKind::entity_checker; };

// Plain data, so that the host can read the versions of any build before trusting the rest.
// The first three fields keep their place in every version.
struct PluginDescriptor {
    std::uint32_t abi_major;
    std::uint32_t abi_minor;
    const char* cxx_abi;  // RELAYSYNC_SDK_CXX_ABI of the plugin's build
    PluginKind kind;
    const char* name;         // the name profiles use, e.g. "local"
    const char* description;  // one line for `--help` and error messages
    const ConfigKey* config_keys;
    std::size_t config_key_count;
    // Makes an instance of the interface named by `kind` from a validated config. Never throws:
    // returns nullptr and sets *error instead.
    void* (*create)(const PluginConfig& config, std::string* error);
    // Destroys what create returned.
    void (*destroy)(void* instance);
};

using PluginEntryPoint = const PluginDescriptor*();

namespace detail {

inline void setError(std::string* error, const char* text) noexcept {
    try {
        if (error) *error = text;
    } catch (...) {  // out of memory: the host still sees nullptr and reports a failure
    }
}

template <class Interface, class Impl>
void* createInstance(const PluginConfig& config, std::string* error) noexcept {
    try {
        return static_cast<Interface*>(new Impl(config));
    } catch (const std::exception& e) {
        setError(error, e.what());
    } catch (...) {
        setError(error, "unknown exception");
    }
    return nullptr;
}

template <class Interface>
void destroyInstance(void* instance) noexcept {
    delete static_cast<Interface*>(instance);
}

template <std::size_t N>
constexpr const ConfigKey* keyTable(const ConfigKey (&keys)[N]) noexcept { return keys; }
constexpr const ConfigKey* keyTable(std::nullptr_t) noexcept { return nullptr; }
template <std::size_t N>
constexpr std::size_t keyCount(const ConfigKey (&)[N]) noexcept { return N; }
constexpr std::size_t keyCount(std::nullptr_t) noexcept { return 0; }

}  // namespace detail
}  // namespace relaysync::sdk

// Exports the plugin. KEYS is an array of ConfigKey, or nullptr for a plugin without settings.
#define RELAYSYNC_PLUGIN(INTERFACE, IMPL, NAME, DESCRIPTION, KEYS)                                 \
    extern "C" RELAYSYNC_SDK_VISIBLE const ::relaysync::sdk::PluginDescriptor*                     \
    relaysync_plugin_descriptor() {                                                                \
        static const ::relaysync::sdk::PluginDescriptor descriptor{                               \
            RELAYSYNC_SDK_ABI_MAJOR,                                                               \
            RELAYSYNC_SDK_ABI_MINOR,                                                               \
            RELAYSYNC_SDK_CXX_ABI,                                                                 \
            ::relaysync::sdk::PluginKindOf<INTERFACE>::value,                                      \
            NAME,                                                                                  \
            DESCRIPTION,                                                                           \
            ::relaysync::sdk::detail::keyTable(KEYS),                                              \
            ::relaysync::sdk::detail::keyCount(KEYS),                                              \
            &::relaysync::sdk::detail::createInstance<INTERFACE, IMPL>,                            \
            &::relaysync::sdk::detail::destroyInstance<INTERFACE>,                                 \
        };                                                                                         \
        return &descriptor;                                                                        \
    }
