#include "server/net/source_address.h"

namespace tandem::net {

namespace asio = boost::asio;
using asio::ip::tcp;

tcp::endpoint OpenFromSource(tcp::socket& socket, const std::string& source,
                             const tcp::resolver::results_type& endpoints,
                             boost::system::error_code& ec) {
  boost::system::error_code parse_ec;
  asio::ip::address from = asio::ip::make_address(source, parse_ec);
  tcp::endpoint target = endpoints.begin()->endpoint();
  bool bind = false;
  for (const auto& entry : endpoints) {
    if (!parse_ec && entry.endpoint().address().is_v4() == from.is_v4()) {
      target = entry.endpoint();
      bind = true;
      break;
    }
  }
  socket.open(target.protocol(), ec);
  if (ec) return target;
  if (bind) {
    boost::system::error_code ignored;
    socket.bind(tcp::endpoint(from, 0), ignored);
  }
  return target;
}

}  // namespace tandem::net
