#pragma once
// CPPUNIT_ASSERT_EQUAL on sdk::StatusCode prints the codes' names.

#include <cppunit/TestAssert.h>

#include <string>

#include "relaysync/sdk/status.h"

namespace CppUnit {
template <> struct assertion_traits<relaysync::sdk::StatusCode> {
    static bool equal(relaysync::sdk::StatusCode a, relaysync::sdk::StatusCode b) { return a == b; }
    static std::string toString(relaysync::sdk::StatusCode c) { return relaysync::sdk::toString(c); }
};
}  // namespace CppUnit
