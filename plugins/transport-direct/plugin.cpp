// Exports the "direct" transport. The key table (direct_config.h) is what core validates profiles
// against and prints as help; parseConfig reads the same table for its defaults.

#include "direct_config.h"
#include "direct_transport.h"
#include "relaysync/sdk/plugin.h"

RELAYSYNC_PLUGIN(relaysync::sdk::Transport, relaysync::transport_direct::DirectTransport, "direct",
                 "Relays and terminals connected to each other over TCP with mutual TLS",
                 relaysync::transport_direct::kConfigKeys)
