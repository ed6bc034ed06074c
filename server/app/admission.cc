#include "server/app/admission.h"

#include "server/commands/errors.h"

namespace tandem::app {

bool IsLoopback(const boost::asio::ip::address& address) {
  if (address.is_v4()) return (address.to_v4().to_uint() >> 24) == 127;
  auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return IsLoopback(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
  }
  return v6.is_loopback();
}

std::optional<std::string_view> AdmissionError(const AdmissionInput& in) {
  if (in.connected_clients >= in.maxclients) return commands::errors::kMaxClients;
  if (in.protected_mode && in.default_user_nopass && !IsLoopback(in.peer)) {
    return commands::errors::kProtectedMode;
  }
  return std::nullopt;
}

}  // namespace tandem::app
