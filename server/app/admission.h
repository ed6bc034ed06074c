#pragma once
// Whether a new connection may be served: maxclients and protected mode, as Redis decides at
// accept time. Kept free of sockets so that the decision is unit-tested for non-loopback peers.

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string_view>

namespace tandem::app {

struct AdmissionInput {
  bool protected_mode;
  bool default_user_nopass;  // the default user needs no password
  boost::asio::ip::address peer;
  size_t connected_clients;
  size_t maxclients;
};

// Null when the connection is admitted; otherwise the error text (without '-') to send before
// closing it.
std::optional<std::string_view> AdmissionError(const AdmissionInput& in);
bool IsLoopback(const boost::asio::ip::address& address);

}  // namespace tandem::app
