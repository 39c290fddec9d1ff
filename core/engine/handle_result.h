#pragma once
// What a message handler decided.

#include <string>

namespace relaysync::core {

struct HandleResult {
    enum class Kind {
        applied,   // state changed (or was already so); the message is done
        deferred,  // something it depends on has not arrived yet: keep it, retry after the next change
        refused,   // it may never be applied (not a member, wrong owner): answer and drop it
    };
    Kind kind = Kind::applied;
    std::string reason;
    std::string waits_for;  // deferred only: the dependency key (engine/dependency.h)

    static HandleResult applied() { return {}; }
    static HandleResult deferred(std::string why, std::string waits_for) {
        return {Kind::deferred, std::move(why), std::move(waits_for)};
    }
    static HandleResult refused(std::string why) { return {Kind::refused, std::move(why), {}}; }
};

}  // namespace relaysync::core
