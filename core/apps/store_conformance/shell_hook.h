#pragma once
// The root hooks: shell commands the operator gives, run with /bin/sh -c.

#include <functional>
#include <string>

namespace relaysync::core {

// A hook that runs `command` and throws std::runtime_error unless it exits with 0; an empty
// function for an empty command (the suite then skips what needs it). `name` (the option) is
// for the message when the shell cannot even be started.
std::function<void()> shellHook(const std::string& name, const std::string& command);

}  // namespace relaysync::core
