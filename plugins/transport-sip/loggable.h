#pragma once
// Values from the network go into log lines escaped and shortened (plugins/common/log_text.h).
#include "log_text.h"

namespace relaysync::transport_sip {
using plugin_common::loggable;
}
