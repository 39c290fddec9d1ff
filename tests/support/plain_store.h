#pragma once
// A base for the stores tests write by hand: no capabilities beyond the minimum, and a root
// that is always reachable and has no identity. Tests override what they are about.

#include "relaysync/sdk/resource_store.h"

namespace relaysync::test {

class PlainStore : public sdk::ResourceStore {
public:
    std::uint32_t capabilities() const override { return 0; }
    sdk::Status probe(const sdk::CallContext&, sdk::RootProbe& probe) override {
        probe = {};
        return sdk::Status::ok();
    }
};

}  // namespace relaysync::test
