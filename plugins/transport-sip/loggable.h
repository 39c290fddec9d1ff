#pragma once
// Values from the network go into log lines escaped and shortened, as in the direct transport
// (whose log_text.cpp this plugin compiles in rather than copying it).
#include "../transport-direct/log_text.h"

namespace relaysync::transport_sip {
using transport_direct::loggable;
}
