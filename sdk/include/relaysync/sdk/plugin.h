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
// The host loads it with Boost.DLL, refuses a descriptor built for another ABI major version or
// a newer minor one, checks the kind, validates the profile's keys against the key table, and
// only then creates an instance.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "relaysync/sdk/entity_checker.h"
#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/resource_store.h"
#include "relaysync/sdk/transport.h"
#include "relaysync/sdk/visibility.h"

// ABI of this SDK. Major: incompatible change. Minor: additions a newer host still loads; new
// descriptor fields are only ever appended, and read only when abi_minor says they are there.
// The interfaces pass std::string, std::vector and std::map, so a plugin must be built with the
// same compiler family and C++ standard library ABI as the host (g++ / libstdc++ here).
#define RELAYSYNC_SDK_ABI_MAJOR 2
#define RELAYSYNC_SDK_ABI_MINOR 0

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
struct PluginDescriptor {
    std::uint32_t abi_major;
    std::uint32_t abi_minor;
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
