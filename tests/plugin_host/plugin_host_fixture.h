#pragma once
// Shared by the plugin host tests: where the throwaway plugins are, a clean RELAYSYNC_PLUGIN_DIR
// per test, and helpers to catch a PluginError and look into its message.

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "plugin_host/plugin_host.h"

namespace relaysync::test {

// Built by tests/plugin_host/CMakeLists.txt.
inline std::string fixtureDir() { return RELAYSYNC_TEST_FIXTURE_DIR; }
inline std::string fixtureFile(const std::string& file_name) { return fixtureDir() + "/" + file_name; }

// Sets (or, with nullopt, clears) RELAYSYNC_PLUGIN_DIR until destroyed.
class ScopedPluginDir {
public:
    explicit ScopedPluginDir(const std::optional<std::string>& value) {
        if (const char* old = std::getenv(kName)) old_ = old;
        if (value) ::setenv(kName, value->c_str(), 1);
        else ::unsetenv(kName);
    }
    ~ScopedPluginDir() {
        if (old_) ::setenv(kName, old_->c_str(), 1);
        else ::unsetenv(kName);
    }
    ScopedPluginDir(const ScopedPluginDir&) = delete;
    ScopedPluginDir& operator=(const ScopedPluginDir&) = delete;

private:
    static constexpr const char* kName = "RELAYSYNC_PLUGIN_DIR";
    std::optional<std::string> old_;
};

inline core::PluginChoice choiceOf(const std::string& plugin, sdk::PluginConfig config = {}) {
    core::PluginChoice choice;
    choice.plugin = plugin;
    choice.config = std::move(config);
    return choice;
}

inline core::SourcePosition positionOf(const std::string& file, int line, int column) {
    core::SourcePosition position;
    position.file = file;
    position.line = line;
    position.column = column;
    return position;
}

// The PluginError `action` throws; a test failure if it throws nothing or something else.
template <class Action>
core::PluginError pluginErrorOf(Action&& action) {
    try {
        action();
    } catch (const core::PluginError& e) {
        return e;
    } catch (const std::exception& e) {
        CPPUNIT_FAIL(std::string("expected a PluginError, got: ") + e.what());
    }
    CPPUNIT_FAIL("expected a PluginError, nothing was thrown");
}

// A host that searches the fixture folder only, with RELAYSYNC_PLUGIN_DIR cleared.
class HostFixture : public CppUnit::TestFixture {
public:
    void setUp() override {
        env_.emplace(std::nullopt);
        host_.emplace(std::vector<std::string>{fixtureDir()});
    }
    void tearDown() override {
        host_.reset();
        env_.reset();
    }

protected:
    std::optional<ScopedPluginDir> env_;
    std::optional<core::PluginHost> host_;
};

}  // namespace relaysync::test

// Asserts that `text` contains `part`, printing both when it does not.
#define ASSERT_CONTAINS(text, part)                                                               \
    CPPUNIT_ASSERT_MESSAGE("expected \"" + std::string(part) + "\" in: " + std::string(text),    \
                           std::string(text).find(part) != std::string::npos)
#define ASSERT_NOT_CONTAINS(text, part)                                                           \
    CPPUNIT_ASSERT_MESSAGE("did not expect \"" + std::string(part) + "\" in: " + std::string(text), \
                           std::string(text).find(part) == std::string::npos)
