#include "sentinel/hello.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

namespace tandem::sentinel {
namespace {

using google::protobuf::util::MessageDifferencer;

const std::string kRunId = "8d3e1f0c5a7b9e2d4c6f8a0b1d3e5f7a9c0b2d4e";

proto::Hello SampleHello() {
  proto::Hello hello;
  hello.set_sentinel_ip("10.0.0.7");
  hello.set_sentinel_port(26379);
  hello.set_sentinel_run_id(kRunId);
  hello.set_current_epoch(12);
  hello.set_master_name("mymaster");
  hello.set_master_ip("10.0.0.2");
  hello.set_master_port(6380);
  hello.set_master_config_epoch(11);
  return hello;
}

bool Rejected(std::string_view payload, std::string_view reason) {
  auto decoded = DecodeHello(payload);
  return !decoded.ok() && decoded.status().code() == base::Status::Code::kInvalidArgument &&
         decoded.status().message().find(reason) != std::string::npos;
}

TEST(HelloTest, RoundTripKeepsEveryFieldAndStampsTheVersion) {
  const proto::Hello hello = SampleHello();
  const std::string payload = EncodeHello(hello);
  auto decoded = DecodeHello(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->version(), kHelloVersion);
  proto::Hello expected = hello;
  expected.set_version(kHelloVersion);
  EXPECT_TRUE(MessageDifferencer::Equals(*decoded, expected)) << decoded->DebugString();
}

TEST(HelloTest, EncodeOverridesTheCallersVersion) {
  proto::Hello hello = SampleHello();
  hello.set_version(7);
  auto decoded = DecodeHello(EncodeHello(hello));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->version(), kHelloVersion);
}

TEST(HelloTest, BinaryMasterNameSurvives) {
  proto::Hello hello = SampleHello();
  const std::string name("m\xff\xfe\0x,y", 6);  // not UTF-8, with a NUL and a comma
  hello.set_master_name(name);
  auto decoded = DecodeHello(EncodeHello(hello));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->master_name(), name);
}

TEST(HelloTest, EmptyAndOversizedPayloadsAreRejected) {
  EXPECT_TRUE(Rejected("", "empty payload"));
  EXPECT_TRUE(Rejected(std::string(kMaxHelloSize + 1, 'x'), "too large"));
}

TEST(HelloTest, RedisSentinelTextHellosAreRejected) {
  for (const char* text : {
           "127.0.0.1,26379,8d3e1f0c5a7b9e2d4c6f8a0b1d3e5f7a9c0b2d4e,0,mymaster,127.0.0.1,6379,0",
           "10.0.0.7,26380,0123456789abcdef0123456789abcdef01234567,3,cache,10.0.0.2,6380,2",
           "::1,26379,8d3e1f0c5a7b9e2d4c6f8a0b1d3e5f7a9c0b2d4e,18446744073709551615,m,::1,6379,1",
       }) {
    EXPECT_FALSE(DecodeHello(text).ok()) << text;
  }
}

TEST(HelloTest, RandomBytesNeverDecode) {
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> length(1, 300);
  for (int i = 0; i < 5000; ++i) {
    std::string payload(length(rng), '\0');
    for (char& c : payload) c = static_cast<char>(byte(rng));
    EXPECT_FALSE(DecodeHello(payload).ok()) << "iteration " << i;
  }
}

// Every cut of a valid payload is refused, except the one that drops only the trailing
// master_config_epoch field: protobuf cannot tell that from a hello whose epoch is 0.
TEST(HelloTest, TruncatedPayloadsAreRejectedUnlessCutAtTheLastFieldBoundary) {
  const std::string payload = EncodeHello(SampleHello());
  int accepted = 0;
  for (size_t n = 0; n < payload.size(); ++n) {
    auto decoded = DecodeHello(std::string_view(payload).substr(0, n));
    if (decoded.ok()) {
      ++accepted;
      EXPECT_EQ(decoded->master_config_epoch(), 0u);
      EXPECT_EQ(n, payload.size() - 2);  // tag byte + one-byte varint of 11
    }
  }
  EXPECT_EQ(accepted, 1);
}

TEST(HelloTest, VersionIsChecked) {
  proto::Hello hello = SampleHello();
  EXPECT_TRUE(Rejected(hello.SerializeAsString(), "no version field"));  // version 0 = absent
  hello.set_version(kHelloVersion + 1);
  EXPECT_TRUE(Rejected(hello.SerializeAsString(), "unsupported version 2"));
  hello.set_version(kHelloVersion);
  EXPECT_TRUE(DecodeHello(hello.SerializeAsString()).ok());
}

TEST(HelloTest, IncompleteHellosAreRejected) {
  proto::Hello hello = SampleHello();
  hello.set_sentinel_run_id(kRunId.substr(1));
  EXPECT_TRUE(Rejected(EncodeHello(hello), "bad sentinel run id"));

  hello = SampleHello();
  hello.clear_sentinel_ip();
  EXPECT_TRUE(Rejected(EncodeHello(hello), "bad sentinel address"));

  hello = SampleHello();
  hello.set_sentinel_port(0);
  EXPECT_TRUE(Rejected(EncodeHello(hello), "bad sentinel address"));

  hello = SampleHello();
  hello.set_master_port(65536);
  EXPECT_TRUE(Rejected(EncodeHello(hello), "bad master address"));

  hello = SampleHello();
  hello.clear_master_ip();
  EXPECT_TRUE(Rejected(EncodeHello(hello), "bad master address"));

  hello = SampleHello();
  hello.clear_master_name();
  EXPECT_TRUE(Rejected(EncodeHello(hello), "empty master name"));

  hello = SampleHello();
  hello.set_master_port(65535);
  hello.set_current_epoch(0);
  hello.set_master_config_epoch(0);
  EXPECT_TRUE(DecodeHello(EncodeHello(hello)).ok());
}

}  // namespace
}  // namespace tandem::sentinel
