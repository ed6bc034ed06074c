#include "server/app/admission.h"

#include <gtest/gtest.h>

#include "server/commands/errors.h"

namespace tandem::app {
namespace {

namespace ip = boost::asio::ip;

AdmissionInput Input(const char* peer, bool protected_mode, bool nopass) {
  return AdmissionInput{protected_mode, nopass, ip::make_address(peer), 1, 10000};
}

TEST(AdmissionTest, LoopbackPeersAreLocal) {
  EXPECT_TRUE(IsLoopback(ip::make_address("127.0.0.1")));
  EXPECT_TRUE(IsLoopback(ip::make_address("127.4.5.6")));
  EXPECT_TRUE(IsLoopback(ip::make_address("::1")));
  EXPECT_TRUE(IsLoopback(ip::make_address("::ffff:127.0.0.1")));
  EXPECT_FALSE(IsLoopback(ip::make_address("192.0.2.1")));
  EXPECT_FALSE(IsLoopback(ip::make_address("::ffff:192.0.2.1")));
  EXPECT_FALSE(IsLoopback(ip::make_address("2001:db8::1")));
}

TEST(AdmissionTest, ProtectedModeDeniesRemotePeersWithoutPassword) {
  auto error = AdmissionError(Input("192.0.2.1", true, true));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, commands::errors::kProtectedMode);
  EXPECT_TRUE(error->starts_with("DENIED Redis is running in protected mode"));
}

TEST(AdmissionTest, ProtectedModeAdmitsLoopbackPasswordOrDisabled) {
  EXPECT_FALSE(AdmissionError(Input("127.0.0.1", true, true)).has_value());
  EXPECT_FALSE(AdmissionError(Input("::1", true, true)).has_value());
  EXPECT_FALSE(AdmissionError(Input("192.0.2.1", true, false)).has_value());
  EXPECT_FALSE(AdmissionError(Input("192.0.2.1", false, true)).has_value());
}

TEST(AdmissionTest, MaxClientsRefusesTheExtraConnection) {
  AdmissionInput in = Input("127.0.0.1", false, true);
  in.connected_clients = 3;
  in.maxclients = 3;
  ASSERT_TRUE(AdmissionError(in).has_value());
  EXPECT_EQ(*AdmissionError(in), commands::errors::kMaxClients);
  in.connected_clients = 2;
  EXPECT_FALSE(AdmissionError(in).has_value());
}

}  // namespace
}  // namespace tandem::app
