#include "plugin_host/plugin_host.h"

#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <span>
#include <utility>

#include "plugin_host/plugin_config_check.h"
#include "plugin_host/plugin_fault.h"
#include "plugin_host/plugin_library.h"
#include "plugin_host/plugin_search.h"

namespace relaysync::core {

using plugin_host::PluginFault;

namespace {

using Descriptor = std::shared_ptr<const sdk::PluginDescriptor>;

// One plugin asked for, and what is known of it so far: for the error message.
struct Request {
    sdk::PluginKind kind;
    const std::string& plugin;
    SourcePosition position;
    std::string file;  // the file looked for, then the file found

    [[noreturn]] void fail(const std::string& reason) const {
        throw PluginError(kind, plugin, file, reason, position);
    }
};

std::string article(sdk::PluginKind kind) {
    return kind == sdk::PluginKind::entity_checker ? "an " : "a ";
}

std::span<const sdk::ConfigKey> keyTable(const sdk::PluginDescriptor& descriptor) {
    if (descriptor.config_key_count == 0) return {};
    return {descriptor.config_keys, descriptor.config_key_count};
}

// An instance made by a plugin, before it is given its interface type.
struct Instance {
    void* object = nullptr;
    Descriptor descriptor;
};

// The deleter hands the object back to the plugin that made it and keeps the plugin's library
// loaded until then, even after the host is gone.
template <class Interface>
std::shared_ptr<Interface> adopt(Instance instance) {
    auto* object = static_cast<Interface*>(instance.object);
    return std::shared_ptr<Interface>(
        object, [descriptor = std::move(instance.descriptor), raw = instance.object](Interface*) {
            try {
                descriptor->destroy(raw);
            } catch (...) {
                // A destroy that throws breaks the plugin contract; nothing useful can be done
                // with it in a deleter.
            }
        });
}

}  // namespace

struct PluginHost::Impl {
    std::vector<std::string> search_paths;
    std::mutex mutex;
    std::map<std::filesystem::path, Descriptor> loaded;  // by file

    // Finds, loads and checks the plugin `request` names: everything but its config.
    Descriptor open(Request& request) {
        const bool by_path = plugin_host::isPluginPath(request.plugin);
        request.file = by_path ? request.plugin : plugin_host::pluginFileName(request.kind, request.plugin);

        std::filesystem::path file;
        try {
            file = plugin_host::locatePlugin(request.kind, request.plugin, search_paths);
        } catch (const PluginFault& fault) {
            request.fail(fault.what());
        }
        request.file = file.string();

        const auto descriptor = load(request, file);
        if (descriptor->kind != request.kind) {
            const auto declared = descriptor->kind;
            const bool known = declared == sdk::PluginKind::transport ||
                               declared == sdk::PluginKind::resource_store ||
                               declared == sdk::PluginKind::entity_checker;
            if (!known)
                request.fail("declares plugin kind " + std::to_string(static_cast<std::uint32_t>(declared)) +
                             ", which this host does not know; expected " + article(request.kind) +
                             sdk::toString(request.kind));
            request.fail("is " + article(declared) + sdk::toString(declared) + " plugin, expected " +
                         article(request.kind) + sdk::toString(request.kind));
        }
        // The file name is the plugin's name in profiles; a descriptor that disagrees means a
        // renamed or mis-built file, and loading it anyway would run something else than asked.
        if (!by_path && request.plugin != descriptor->name)
            request.fail(std::string("declares the name '") + descriptor->name + "', expected '" +
                         request.plugin + "' (file name and descriptor must agree)");
        return descriptor;
    }

    Descriptor load(const Request& request, const std::filesystem::path& file) {
        std::lock_guard lock(mutex);
        if (const auto it = loaded.find(file); it != loaded.end()) return it->second;
        try {
            auto descriptor = plugin_host::loadPluginLibrary(file);
            loaded.emplace(file, descriptor);
            return descriptor;
        } catch (const PluginFault& fault) {
            request.fail(fault.what());
        }
    }

    sdk::PluginConfig configFor(const Request& request, const sdk::PluginDescriptor& descriptor,
                                const PluginChoice& choice) {
        try {
            return plugin_host::checkPluginConfig(keyTable(descriptor), choice);
        } catch (const PluginFault& fault) {
            request.fail(fault.what());
        }
    }

    Instance create(sdk::PluginKind kind, const PluginChoice& choice) {
        Request request{kind, choice.plugin, choice.position, {}};
        auto descriptor = open(request);
        const auto config = configFor(request, *descriptor, choice);

        std::string error;
        void* object = nullptr;
        try {
            object = descriptor->create(config, &error);
        } catch (const std::exception& e) {
            request.fail(std::string("create threw: ") + e.what());
        } catch (...) {
            request.fail("create threw an unknown exception");
        }
        if (!object)
            request.fail("could not create " + article(kind) + sdk::toString(kind) + ": " +
                         (error.empty() ? "the plugin gave no reason" : error));
        return {object, std::move(descriptor)};
    }
};

PluginHost::PluginHost(std::vector<std::string> search_paths) : impl_(std::make_unique<Impl>()) {
    impl_->search_paths = plugin_host::pluginSearchPaths(std::move(search_paths));
}

PluginHost::~PluginHost() = default;

std::shared_ptr<sdk::Transport> PluginHost::createTransport(const PluginChoice& choice) {
    return adopt<sdk::Transport>(impl_->create(sdk::PluginKind::transport, choice));
}

std::shared_ptr<sdk::ResourceStore> PluginHost::createStore(const PluginChoice& choice) {
    return adopt<sdk::ResourceStore>(impl_->create(sdk::PluginKind::resource_store, choice));
}

std::shared_ptr<sdk::EntityChecker> PluginHost::createChecker(const PluginChoice& choice) {
    return adopt<sdk::EntityChecker>(impl_->create(sdk::PluginKind::entity_checker, choice));
}

sdk::PluginConfig PluginHost::validate(sdk::PluginKind kind, const PluginChoice& choice) {
    Request request{kind, choice.plugin, choice.position, {}};
    const auto descriptor = impl_->open(request);
    return impl_->configFor(request, *descriptor, choice);
}

PluginInfo PluginHost::describe(sdk::PluginKind kind, const std::string& plugin) {
    Request request{kind, plugin, {}, {}};
    const auto descriptor = impl_->open(request);

    PluginInfo info;
    info.kind = descriptor->kind;
    info.name = descriptor->name;
    info.description = descriptor->description ? descriptor->description : "";
    info.file = request.file;
    info.abi_major = descriptor->abi_major;
    info.abi_minor = descriptor->abi_minor;
    for (const auto& key : keyTable(*descriptor)) {
        PluginKeyInfo item;
        item.name = key.name;
        if (key.default_value) item.default_value = key.default_value;
        item.description = key.description ? key.description : "";
        info.keys.push_back(std::move(item));
    }
    return info;
}

const std::vector<std::string>& PluginHost::searchPaths() const noexcept {
    return impl_->search_paths;
}

std::string PluginHost::defaultPluginDir() {
    return plugin_host::installedPluginDir();
}

}  // namespace relaysync::core
