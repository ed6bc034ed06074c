#pragma once
// Outgoing connections from a chosen local address (Redis's bind-source-addr), shared by the
// replica's master link and the sentinel's links.

#include <string>

#include "server/net/asio.h"

namespace tandem::net {

// Opens `socket` for one of `endpoints` and binds it to `source` (port chosen by the system);
// returns the endpoint to connect it to: the first one of the source's family. Best effort, as in
// Redis: when `source` is not an address, or no endpoint shares its family, or the bind fails,
// the socket is left unbound and the first endpoint is returned. `ec` is set only when the socket
// could not be opened.
boost::asio::ip::tcp::endpoint OpenFromSource(
    boost::asio::ip::tcp::socket& socket, const std::string& source,
    const boost::asio::ip::tcp::resolver::results_type& endpoints, boost::system::error_code& ec);

}  // namespace tandem::net
