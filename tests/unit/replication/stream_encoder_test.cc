#include "replication/stream_encoder.h"

#include <gtest/gtest.h>

#include <vector>

namespace tandem::replication {
namespace {

std::string Encode(StreamEncoder& e, int db, std::vector<std::string_view> argv) {
  std::string out;
  e.Encode(db, argv, out);
  return out;
}

TEST(StreamEncoderTest, FirstCommandSelectsItsDatabase) {
  StreamEncoder e;
  std::string out = Encode(e, 0, {"SET", "a", "1"});
  EXPECT_EQ(out,
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
            "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(out.size(), 23u + 27u);
  EXPECT_EQ(e.selected_db(), 0);
}

TEST(StreamEncoderTest, SelectOnlyWhenTheDatabaseChanges) {
  StreamEncoder e;
  Encode(e, 3, {"DEL", "k"});
  EXPECT_EQ(Encode(e, 3, {"DEL", "k"}), "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n");
  EXPECT_EQ(Encode(e, 12, {"DEL", "k"}),
            "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n");
}

TEST(StreamEncoderTest, NoDatabaseNeverSelects) {
  StreamEncoder e;
  EXPECT_EQ(Encode(e, -1, {"PING"}), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(Encode(e, -1, {"REPLCONF", "GETACK", "*"}).size(), 37u);
  EXPECT_EQ(e.selected_db(), -1);
  Encode(e, 1, {"MULTI"});
  EXPECT_EQ(Encode(e, -1, {"EXEC"}), "*1\r\n$4\r\nEXEC\r\n");
  EXPECT_EQ(e.selected_db(), 1);
}

TEST(StreamEncoderTest, ForgetDbSelectsAgain) {
  StreamEncoder e;
  Encode(e, 0, {"SET", "a", "1"});
  e.ForgetDb();
  EXPECT_EQ(Encode(e, 0, {"SET", "a", "1"}).size(), 50u);
}

TEST(StreamEncoderTest, BinaryAndEmptyArguments) {
  StreamEncoder e;
  std::string bin("a\0\r\nb", 5);
  EXPECT_EQ(Encode(e, -1, {"SET", bin, ""}),
            std::string("*3\r\n$3\r\nSET\r\n$5\r\na\0\r\nb\r\n$0\r\n\r\n", 30));
}

}  // namespace
}  // namespace tandem::replication
