#include "metrics/node_metrics.h"

namespace relaysync::metrics {
namespace {

std::string_view originName(bool local) { return local ? "local" : "peer"; }

}  // namespace

NodeMetrics::NodeMetrics()
    : messages_received_(registry_.counter("relaysync_messages_received_total",
                                           "Protocol messages taken in from authenticated peers, by wire type "
                                           "(duplicates included; a deferred message counts once).",
                                           {"type"})),
      messages_sent_(registry_.counter("relaysync_messages_sent_total",
                                       "Protocol messages this node queued for its peers, by wire type.", {"type"})),
      messages_refused_(registry_.counter("relaysync_messages_refused_total",
                                          "Messages from peers that were not applied, by reason.", {"reason"})),
      deferred_(registry_.counter("relaysync_messages_deferred_total",
                                  "Messages set aside until what they depend on arrives.")
                    .with({})),
      duplicates_(registry_.counter("relaysync_messages_duplicate_total",
                                    "Messages dropped because they were taken before (at-least-once delivery).")
                      .with({})),
      delivered_(registry_.counter("relaysync_outbox_delivered_total",
                                   "Outbox messages the transport delivered to their peer.")
                     .with({})),
      dead_lettered_(registry_.counter("relaysync_outbox_dead_letters_total",
                                       "Outbox messages the transport refused for good, set aside as dead letters.")
                         .with({})),
      syncs_started_(registry_.counter("relaysync_synchronizes_started_total",
                                       "Synchronizes this node opened: origin local (a user or operator here) or "
                                       "peer (asked by a relay or terminal).",
                                       {"origin"})),
      syncs_finished_(registry_.counter("relaysync_synchronizes_finished_total",
                                        "Synchronizes this node finished: outcome complete, or incomplete when a "
                                        "node did not answer or a problem was reported.",
                                        {"origin", "outcome"})),
      sync_duration_(registry_.histogram("relaysync_synchronize_duration_seconds",
                                         "Time from opening a synchronize at this node to its summed report.",
                                         {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}, {"origin"})),
      checks_(registry_.counter("relaysync_checks_total",
                                "CheckResource runs at this terminal (a user's check or synchronize, or one a "
                                "relay asked for).")
                  .with({})),
      entities_checked_(registry_.counter("relaysync_entities_checked_total",
                                          "Entities the checker looked at, over all checks.")
                            .with({})),
      check_duration_(registry_.histogram("relaysync_check_duration_seconds",
                                          "Time spent looking at the stores in one check (outside the node's lock).",
                                          {0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300})
                          .with({})),
      peers_connected_(registry_.gauge("relaysync_peers_connected",
                                       "Peers the transport reports reachable now.")
                           .with({})),
      admin_commands_(registry_.counter("relaysync_admin_commands_total",
                                        "Admin socket commands run, by outcome (ok or error).", {"outcome"})),
      errors_(registry_.counter("relaysync_errors_total",
                                "Failures that were logged as errors, by where they happened.", {"kind"})) {
    // Every labelled child that can appear is shown from the start at 0, so that rate() and
    // alerts see the series before the first event.
    for (const auto reason : {"malformed", "misaddressed", "foreign_terminal", "busy", "rejected"})
        messages_refused_.with({reason});
    for (const bool local : {true, false}) {
        syncs_started_.with({std::string(originName(local))});
        for (const auto outcome : {"complete", "incomplete"}) syncs_finished_.with({std::string(originName(local)), outcome});
        sync_duration_.with({std::string(originName(local))});
    }
    for (const auto outcome : {"ok", "error"}) admin_commands_.with({outcome});
    for (const auto kind : {"receive", "send", "dispatch", "check"}) errors_.with({kind});
}

void NodeMetrics::refused(Refusal reason) {
    const char* name = "rejected";
    switch (reason) {
    case Refusal::malformed: name = "malformed"; break;
    case Refusal::misaddressed: name = "misaddressed"; break;
    case Refusal::foreign_terminal: name = "foreign_terminal"; break;
    case Refusal::busy: name = "busy"; break;
    case Refusal::rejected: break;
    }
    messages_refused_.with({name}).add();
}

void NodeMetrics::syncStarted(bool local) { syncs_started_.with({std::string(originName(local))}).add(); }

void NodeMetrics::syncFinished(bool local, bool complete, double seconds) {
    syncs_finished_.with({std::string(originName(local)), complete ? "complete" : "incomplete"}).add();
    sync_duration_.with({std::string(originName(local))}).observe(seconds < 0 ? 0 : seconds);
}

void NodeMetrics::checkRun(std::size_t entities, double seconds) {
    checks_.add();
    entities_checked_.add(entities);
    check_duration_.observe(seconds);
}

void NodeMetrics::peerReachable(const std::string& account, bool reachable) {
    std::lock_guard lock(peers_mutex_);
    if (reachable)
        reachable_peers_.insert(account);
    else
        reachable_peers_.erase(account);
    peers_connected_.set(static_cast<double>(reachable_peers_.size()));
}

void NodeMetrics::error(Error kind) {
    const char* name = "receive";
    switch (kind) {
    case Error::receive: break;
    case Error::send: name = "send"; break;
    case Error::dispatch: name = "dispatch"; break;
    case Error::check: name = "check"; break;
    }
    errors_.with({name}).add();
}

}  // namespace relaysync::metrics
