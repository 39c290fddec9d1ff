// Exports the "sip" transport. The key table (sip_config.h) is what core validates profiles
// against and prints as help.

#include "relaysync/sdk/plugin.h"
#include "sip_config.h"
#include "sip_transport.h"

RELAYSYNC_PLUGIN(relaysync::sdk::Transport, relaysync::transport_sip::SipTransport, "sip",
                 "Relays REGISTER at an external SIP server and exchange messages as SIP MESSAGE through it",
                 relaysync::transport_sip::kConfigKeys)
