#pragma once
// FrontState: what every client connection of the sentinel's front shares: settings, the host,
// the registry of connected clients, the pub/sub index and the INFO counters. Private to the front
// (client_front.cc and its command files).
//
// Owner: ClientFront, through a shared_ptr that every ClientSession also holds, so a session that
// outlives the front (its socket still owned by a pending Asio operation) never sees freed state.
// Sentinel thread only.

#include <cstdint>
#include <map>
#include <string>

#include "sentinel/client_front.h"
#include "sentinel/client_pubsub.h"
#include "server/net/session.h"

namespace tandem::sentinel {

class ClientSession;

struct FrontStats {
  uint64_t connections_received = 0;
  uint64_t commands_processed = 0;
  uint64_t error_replies = 0;
  uint64_t net_input_bytes = 0;   // added to by every session as it reads
  uint64_t net_output_bytes = 0;  // added to by every session as it writes
};

struct FrontState {
  FrontState(ClientFrontSettings s, ClientFrontHost& h) : settings(std::move(s)), host(h) {
    session_settings.total_bytes_read = &stats.net_input_bytes;
    session_settings.total_bytes_written = &stats.net_output_bytes;
  }

  ClientFrontSettings settings;
  ClientFrontHost& host;
  net::SessionSettings session_settings;  // outlives every session (sessions hold this state)
  FrontStats stats;
  int port = 0;  // the port actually bound (INFO tcp_port)
  uint64_t next_client_id = 1;
  std::map<uint64_t, ClientSession*> clients;  // by id: CLIENT LIST prints them in this order
  PubSub pubsub;
};

}  // namespace tandem::sentinel
