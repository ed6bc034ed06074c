#include "replication/payload_receiver.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tandem::replication {
namespace {

using Result = PayloadReceiver::Result;

const std::string kMark = "0123456789abcdef0123456789abcdef01234567";
const std::string kStream = "*1\r\n$4\r\nPING\r\n";

// Bytes that look like framing: newlines, '$', CRLF, and the mark's first half.
std::string Payload() {
  std::string p =
      "REDIS0010\xfa\x09redis-ver\x06"
      "7.0.15\n$12\r\n";
  for (int i = 0; i < 200; ++i) p.push_back(static_cast<char>(i * 37));
  p += kMark.substr(0, 20) + "\r\n\n$EOF:\xff";
  return p;
}

class PayloadReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("tandem-payload-" + std::to_string(::getpid()) + ".rdb"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Feeds `wire` in pieces cut at `cuts` (ascending positions); returns the result of the last
  // Feed and adds up what was consumed.
  Result FeedPieces(PayloadReceiver& receiver, const std::string& wire,
                    const std::vector<size_t>& cuts, size_t* consumed_total) {
    size_t start = 0;
    Result r = Result::kNeedMore;
    *consumed_total = 0;
    std::vector<size_t> ends = cuts;
    ends.push_back(wire.size());
    for (size_t end : ends) {
      size_t consumed = 0;
      r = receiver.Feed(std::string_view(wire).substr(start, end - start), &consumed);
      *consumed_total += consumed;
      if (r != Result::kNeedMore) return r;
      EXPECT_EQ(consumed, end - start);
      start = end;
    }
    return r;
  }

  std::string path_;
};

TEST_F(PayloadReceiverTest, SizedFramingSplitAtEveryByte) {
  const std::string payload = Payload();
  const std::string wire = "$" + std::to_string(payload.size()) + "\r\n" + payload + kStream;
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    PayloadReceiver receiver;
    ASSERT_TRUE(receiver.Open(path_).ok());
    size_t consumed = 0;
    ASSERT_EQ(FeedPieces(receiver, wire, {cut}, &consumed), Result::kDone) << "cut " << cut;
    // The stream's bytes were left to the caller.
    EXPECT_EQ(consumed, wire.size() - kStream.size()) << "cut " << cut;
    EXPECT_EQ(Read(path_), payload) << "cut " << cut;
    EXPECT_EQ(receiver.total_size(), static_cast<int64_t>(payload.size()));
    EXPECT_EQ(receiver.received(), static_cast<int64_t>(payload.size()));
  }
}

TEST_F(PayloadReceiverTest, EofFramingSplitAtEveryByte) {
  const std::string payload = Payload();
  const std::string wire = "$EOF:" + kMark + "\r\n" + payload + kMark;
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    PayloadReceiver receiver;
    ASSERT_TRUE(receiver.Open(path_).ok());
    size_t consumed = 0;
    ASSERT_EQ(FeedPieces(receiver, wire, {cut}, &consumed), Result::kDone) << "cut " << cut;
    EXPECT_EQ(consumed, wire.size());
    EXPECT_EQ(Read(path_), payload) << "cut " << cut;
    EXPECT_EQ(receiver.total_size(), 0);  // Redis's master_sync_total_bytes for EOF
  }
}

TEST_F(PayloadReceiverTest, OneByteAtATimeInBothFramings) {
  const std::string payload = Payload();
  for (const std::string& wire : {"$" + std::to_string(payload.size()) + "\r\n" + payload,
                                  "$EOF:" + kMark + "\r\n" + payload + kMark}) {
    PayloadReceiver receiver;
    ASSERT_TRUE(receiver.Open(path_).ok());
    std::vector<size_t> cuts;
    for (size_t i = 1; i < wire.size(); ++i) cuts.push_back(i);
    size_t consumed = 0;
    ASSERT_EQ(FeedPieces(receiver, wire, cuts, &consumed), Result::kDone);
    EXPECT_EQ(Read(path_), payload);
  }
}

TEST_F(PayloadReceiverTest, KeepAlivesBeforeTheHeader) {
  PayloadReceiver receiver;
  ASSERT_TRUE(receiver.Open(path_).ok());
  size_t consumed = 0;
  EXPECT_EQ(receiver.Feed("\n", &consumed), Result::kNeedMore);
  EXPECT_FALSE(receiver.started());
  EXPECT_EQ(receiver.total_size(), -1);
  EXPECT_EQ(receiver.Feed("\n\n$5", &consumed), Result::kNeedMore);
  EXPECT_FALSE(receiver.started());
  EXPECT_EQ(receiver.Feed("\r\nhel", &consumed), Result::kNeedMore);
  EXPECT_TRUE(receiver.started());
  EXPECT_EQ(receiver.received(), 3);
  EXPECT_EQ(receiver.Feed("lo*1", &consumed), Result::kDone);
  EXPECT_EQ(consumed, 2u);
  EXPECT_EQ(Read(path_), "hello");
}

TEST_F(PayloadReceiverTest, MarkInsideThePayloadIsNotTheEnd) {
  // The end is where the bytes received so far end with the mark: a mark in the middle of a
  // read is payload.
  const std::string payload = "before" + kMark + "after";
  const std::string wire = "$EOF:" + kMark + "\r\n" + payload + kMark;
  size_t header = 7 + kMark.size();
  for (std::vector<size_t> cuts :
       {std::vector<size_t>{}, {header}, {header + 10}, {header + 3, header + 30}}) {
    PayloadReceiver receiver;
    ASSERT_TRUE(receiver.Open(path_).ok());
    size_t consumed = 0;
    ASSERT_EQ(FeedPieces(receiver, wire, cuts, &consumed), Result::kDone);
    EXPECT_EQ(Read(path_), payload);
  }
}

TEST_F(PayloadReceiverTest, EmptyPayloads) {
  for (const std::string& wire : {std::string("$0\r\n"), "$EOF:" + kMark + "\r\n" + kMark}) {
    PayloadReceiver receiver;
    ASSERT_TRUE(receiver.Open(path_).ok());
    size_t consumed = 0;
    EXPECT_EQ(receiver.Feed(wire, &consumed), Result::kDone);
    EXPECT_EQ(Read(path_), "");
  }
}

TEST_F(PayloadReceiverTest, TruncatedTransferRemovesTheFile) {
  {
    PayloadReceiver receiver;
    ASSERT_TRUE(receiver.Open(path_).ok());
    size_t consumed = 0;
    EXPECT_EQ(receiver.Feed("$100\r\nonly some bytes", &consumed), Result::kNeedMore);
    EXPECT_EQ(receiver.received(), 15);
    EXPECT_TRUE(std::filesystem::exists(path_));
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
  {
    PayloadReceiver receiver;
    ASSERT_TRUE(receiver.Open(path_).ok());
    size_t consumed = 0;
    // Part of the mark only.
    EXPECT_EQ(receiver.Feed("$EOF:" + kMark + "\r\nxyz" + kMark.substr(0, 39), &consumed),
              Result::kNeedMore);
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(PayloadReceiverTest, ErrorsInsteadOfAHeader) {
  struct Case {
    std::string wire;
    std::string error;
  } cases[] = {
      {"\n-ERR no luck\r\n", "MASTER aborted replication with an error: ERR no luck"},
      {"+OK\r\n",
       "Bad protocol from MASTER, the first byte is not '$' (we received '+OK'), are you sure the "
       "host and port are right?"},
      {"$abc\r\n", "Bad payload header from MASTER: '$abc'"},
      {"$-5\r\n", "Bad payload header from MASTER: '$-5'"},
      {"$" + std::string(2000, '1'), "the payload header line is too long"},
  };
  for (const Case& c : cases) {
    PayloadReceiver receiver;
    ASSERT_TRUE(receiver.Open(path_).ok());
    size_t consumed = 0;
    EXPECT_EQ(receiver.Feed(c.wire, &consumed), Result::kError) << c.wire;
    EXPECT_EQ(receiver.error(), c.error);
    EXPECT_EQ(receiver.Feed("$1\r\nx", &consumed), Result::kError);  // stays failed
  }
}

TEST_F(PayloadReceiverTest, OpenFailsInAMissingDirectory) {
  PayloadReceiver receiver;
  base::Status st = receiver.Open("/nonexistent-dir/temp.rdb");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("Opening the temp file"), std::string::npos);
}

}  // namespace
}  // namespace tandem::replication
