#include "server/resp/argv_encoder.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/resp/request_parser.h"

namespace tandem::resp {
namespace {

TEST(ArgvEncoderTest, Encodes) {
  std::string out = "keep";
  EncodeCommand({"SET", "k", ""}, &out);
  EXPECT_EQ(out, "keep*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  out.clear();
  EncodeCommand(std::span<const std::string_view>(), &out);
  EXPECT_EQ(out, "*0\r\n");
}

TEST(ArgvEncoderTest, RoundTripsThroughRequestParser) {
  const std::string binary("a\0\r\nb", 5);
  const std::vector<std::string_view> argv = {"ECHO", binary, std::string_view()};
  std::string out;
  EncodeCommand(argv, &out);
  RequestParser parser;
  std::vector<std::string_view> parsed;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(out, &consumed, &parsed), ParseResult::kCommand);
  EXPECT_EQ(consumed, out.size());
  EXPECT_EQ(parsed, argv);
}

}  // namespace
}  // namespace tandem::resp
