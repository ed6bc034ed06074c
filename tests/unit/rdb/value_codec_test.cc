#include "server/rdb/value_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/rdb/rdb_format.h"
#include "server/store/list_object.h"
#include "server/store/set_object.h"
#include "tests/unit/rdb/test_bytes.h"

namespace tandem::rdb {
namespace {

using testing::FromHex;
using testing::ToHex;

// The type byte and value of `object` (or of a string value when `object` is null).
std::string Write(std::unique_ptr<store::Object> object, bool compress = false,
                  std::string_view string_value = {}) {
  store::Entry* entry = object ? store::Entry::NewObject("k", std::move(object), false)
                               : store::Entry::NewString("k", string_value, false);
  std::string out;
  AppendValue(*entry, WriteOptions{compress}, &out);
  store::Entry::Destroy(entry);
  return out;
}

base::StatusOr<Value> Read(std::string_view bytes, const ObjectLimits& limits = {}) {
  if (bytes.empty()) return base::Status::Error(base::Status::Code::kCorruption, "empty");
  BufferReader in(bytes.substr(1));
  auto value = ReadValue(static_cast<uint8_t>(bytes[0]), in, limits);
  if (value.ok() && !in.at_end()) {
    return base::Status::Error(base::Status::Code::kCorruption, "bytes left over");
  }
  return value;
}

std::vector<std::string> ListItems(const store::Object& object) {
  const auto& list = static_cast<const store::ListObject&>(object);
  std::vector<std::string> out;
  for (auto p = list.Front(); !p.done(); list.Next(&p)) out.emplace_back(list.Get(p));
  return out;
}

std::set<std::string> SetItems(const store::Object& object) {
  std::set<std::string> out;
  static_cast<const store::SetObject&>(object).ForEach([&](std::string_view m) { out.emplace(m); });
  return out;
}

std::vector<std::pair<std::string, double>> ZSetItems(const store::Object& object) {
  std::vector<std::pair<std::string, double>> out;
  static_cast<const store::ZSetObject&>(object).ForEach([&](std::string_view m, double s) {
    out.emplace_back(m, s);
    return true;
  });
  return out;
}

std::map<std::string, std::string> HashItems(const store::Object& object) {
  std::map<std::string, std::string> out;
  static_cast<const store::HashObject&>(object).ForEach(
      [&](std::string_view f, std::string_view v) { out.emplace(f, v); });
  return out;
}

std::unique_ptr<store::ListObject> MakeList(int fill, const std::vector<std::string>& items) {
  auto list = std::make_unique<store::ListObject>(fill);
  for (const auto& i : items) list->Push(store::ListEnd::kTail, i);
  return list;
}

std::unique_ptr<store::SetObject> MakeSet(const std::vector<std::string>& items) {
  auto set = std::make_unique<store::SetObject>();
  for (const auto& i : items) set->Add(i, 512);
  return set;
}

std::unique_ptr<store::ZSetObject> MakeZSet(
    const std::vector<std::pair<std::string, double>>& items,
    const store::ZSetLimits& limits = {}) {
  auto zset = std::make_unique<store::ZSetObject>(limits);
  for (const auto& [m, s] : items) zset->Add(m, s, store::ZSetObject::kNone, limits);
  return zset;
}

std::unique_ptr<store::HashObject> MakeHash(
    const std::vector<std::pair<std::string, std::string>>& items,
    const store::HashLimits& limits = {}) {
  auto hash = std::make_unique<store::HashObject>();
  for (const auto& [f, v] : items) hash->Set(f, v, limits);
  return hash;
}

// Value bytes of DUMP payloads from redis-server 7.0 (rdbcompression no, footer removed), with the
// commands that made them.
TEST(ValueCodecTest, StringsMatchRedisDumps) {
  EXPECT_EQ(ToHex(Write(nullptr, false, "12345")), "00c13930");
  EXPECT_EQ(ToHex(Write(nullptr, false, "-5")), "00c0fb");
  EXPECT_EQ(ToHex(Write(nullptr, false, "1099511627776")), "000d31303939353131363237373736");
  EXPECT_EQ(ToHex(Write(nullptr, false, "hello")), "000568656c6c6f");
  // The whole payload, footer included.
  EXPECT_EQ(ToHex(WrapDumpPayload(Write(nullptr, false, "hello"))),
            "000568656c6c6f0a006372df766534200a");
}

TEST(ValueCodecTest, CompactEncodingsMatchRedisDumps) {
  // RPUSH l a b 1 2
  EXPECT_EQ(ToHex(Write(MakeList(-2, {"a", "b", "1", "2"}))),
            "1201021111000000040081610281620201010201ff");
  // list-max-listpack-size 2; RPUSH lm a b c d e
  EXPECT_EQ(ToHex(Write(MakeList(2, {"a", "b", "c", "d", "e"}))),
            "1203020d0d0000000200816102816202ff020d0d0000000200816302816402ff020a0a0000000100816502"
            "ff");
  // HSET h f1 v1 n 5 neg -300
  EXPECT_EQ(ToHex(Write(MakeHash({{"f1", "v1"}, {"n", "5"}, {"neg", "-300"}}))),
            "101c1c00000006008266310382763103816e020501836e656704ded402ff");
  // ZADD z 1 a 2.5 b -3 c 1e300 d 0.1 e inf f -7e20 g
  EXPECT_EQ(
      ToHex(Write(MakeZSet({{"a", 1},
                            {"b", 2.5},
                            {"c", -3},
                            {"d", 1e300},
                            {"e", 0.1},
                            {"f", HUGE_VAL},
                            {"g", -7e20}}))),
      "114061610000000e00816702862d37652b323007816302dffd0281650293302e31303030303030303030303030"
      "3030303114816102010181620283322e350481640297312e30303030303030303030303030303031652b333030"
      "1881660283696e6604ff");
  // SADD s 1 2 3 / SADD s 1 -70000 5 / SADD s 1 1099511627776
  EXPECT_EQ(ToHex(Write(MakeSet({"1", "2", "3"}))),
            "0b0e02000000030000000100020003"
            "00");
  EXPECT_EQ(ToHex(Write(MakeSet({"1", "-70000", "5"}))),
            "0b14040000000300000090eefeff0100000005000000");
  EXPECT_EQ(ToHex(Write(MakeSet({"1", "1099511627776"}))),
            "0b180800000002000000010000000000000000000000000100"
            "00");
}

TEST(ValueCodecTest, TableEncodingsMatchRedisDumps) {
  // zset-max-listpack-entries 1; ZADD zs 1 a 2.5 b -3 c: written from the highest score down.
  EXPECT_EQ(ToHex(Write(MakeZSet({{"a", 1}, {"b", 2.5}, {"c", -3}}, {1, 64}))),
            "0503016200000000000004400161000000000000f03f016300000000000008c0");
  EXPECT_EQ(ToHex(Write(MakeSet({"member"}))), "0201066d656d626572");
  EXPECT_EQ(ToHex(Write(MakeHash({{"f", "v"}}, {0, 64}))), "040101660176");
}

TEST(ValueCodecTest, ListpackScoresFollowRedis) {
  // Integral scores within +-2^62 are integers (so -0 is 0); others keep their %.17g text. From
  // ZADD z <score> m DUMPs: the member's entry, then the score's.
  struct Case {
    double score;
    const char* score_entry_hex;
  } cases[] = {
      {-0.0, "0001"},
      {4611686018427387904.0, "f4000000000000004009"},
      {-4611686018427387904.0, "f400000000000000c009"},
      {4611686018427388928.0, "96342e36313136383630313834323733383839652b313817"},
      {-HUGE_VAL, "842d696e6605"},
      {123456789.0, "f315cd5b0705"},
  };
  for (const Case& c : cases) {
    std::string bytes = Write(MakeZSet({{"m", c.score}}));
    // type, length byte, 6-byte header, "m" entry (3 bytes) ... terminator.
    EXPECT_EQ(ToHex(bytes.substr(2 + 6 + 3, bytes.size() - 12)), c.score_entry_hex) << c.score;
  }
}

TEST(ValueCodecTest, EveryTypeAndEncodingRoundTrips) {
  ObjectLimits limits;
  std::string big(100, 'x');
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress);
    for (int fill : {-2, 3}) {
      std::vector<std::string> items = {"a", "1", "-7", big, "", "9999999999999", big + "y"};
      limits.list_fill = fill;
      auto value = Read(Write(MakeList(fill, items), compress), limits);
      ASSERT_TRUE(value.ok()) << value.status().message();
      EXPECT_EQ(ListItems(*value->object), items);
    }
    for (std::vector<std::string> members :
         {std::vector<std::string>{"1", "-5", "100000"}, std::vector<std::string>{"a", "1", big}}) {
      auto value = Read(Write(MakeSet(members), compress), limits);
      ASSERT_TRUE(value.ok()) << value.status().message();
      EXPECT_EQ(SetItems(*value->object), std::set<std::string>(members.begin(), members.end()));
      EXPECT_EQ(value->object->encoding(), MakeSet(members)->encoding());
    }
    std::vector<std::pair<std::string, double>> scored = {
        {"a", 1}, {"b", 0.1}, {"c", -HUGE_VAL}, {"d", 1e300}, {"e", -7e20}, {"f", 3}};
    for (store::ZSetLimits zl : {store::ZSetLimits{}, store::ZSetLimits{2, 64}}) {
      limits.zset = zl;
      auto value = Read(Write(MakeZSet(scored, zl), compress), limits);
      ASSERT_TRUE(value.ok()) << value.status().message();
      EXPECT_EQ(ZSetItems(*value->object), ZSetItems(*MakeZSet(scored)));
      EXPECT_EQ(value->object->encoding(), MakeZSet(scored, zl)->encoding());
    }
    std::vector<std::pair<std::string, std::string>> pairs = {
        {"f", "v"}, {"1", "2"}, {"long", big}, {"", "empty field"}};
    for (store::HashLimits hl : {store::HashLimits{512, 200}, store::HashLimits{2, 64}}) {
      limits.hash = hl;
      auto value = Read(Write(MakeHash(pairs, hl), compress), limits);
      ASSERT_TRUE(value.ok()) << value.status().message();
      EXPECT_EQ(HashItems(*value->object),
                (std::map<std::string, std::string>(pairs.begin(), pairs.end())));
      EXPECT_EQ(value->object->encoding(), MakeHash(pairs, hl)->encoding());
    }
    for (std::string s : std::vector<std::string>{"", "0", "-2147483648", "12345678901", big,
                                                  std::string(30000, 'q')}) {
      auto value = Read(Write(nullptr, compress, s));
      ASSERT_TRUE(value.ok()) << value.status().message();
      EXPECT_EQ(value->string, s);
      EXPECT_EQ(value->object, nullptr);
    }
  }
}

TEST(ValueCodecTest, LoadedObjectsFollowTheConfiguredLimits) {
  // A listpack hash of 3 fields loaded with hash-max-listpack-entries 2 becomes a hashtable; an
  // intset of 3 with set-max-intset-entries 2 a hashtable; a listpack zset of 3 with
  // zset-max-listpack-entries 2 a skiplist; a list node of 4 with fill 2 splits.
  ObjectLimits limits;
  limits.hash.max_listpack_entries = 2;
  limits.set_max_intset_entries = 2;
  limits.zset.max_listpack_entries = 2;
  limits.list_fill = 2;
  auto hash = Read(Write(MakeHash({{"a", "1"}, {"b", "2"}, {"c", "3"}})), limits);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->object->encoding(), "hashtable");
  auto set = Read(Write(MakeSet({"1", "2", "3"})), limits);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->object->encoding(), "hashtable");
  auto zset = Read(Write(MakeZSet({{"a", 1}, {"b", 2}, {"c", 3}})), limits);
  ASSERT_TRUE(zset.ok());
  EXPECT_EQ(zset->object->encoding(), "skiplist");
  auto list = Read(Write(MakeList(-2, {"a", "b", "c", "d"})), limits);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(static_cast<const store::ListObject&>(*list->object).node_count(), 2u);
}

// Old encodings: each body was accepted by redis-server 7.0's RESTORE with the contents checked.
struct OldVector {
  const char* name;
  const char* hex;  // type byte and value
};

constexpr OldVector kOldVectors[] = {
    {"list ziplist", "0a141400000010000000030000016103016203fef6ff"},
    // Two ziplist nodes, the second empty (skipped).
    {"quicklist", "0e0210100000000d000000020000016103f2ff0b0b0000000a0000000000ff"},
    {"hash ziplist", "0d2121000000190000000600000266310402763104016e03f602f80205736576656eff"},
    {"zset ziplist",
     "0c262600000020000000080000016303fefd03016103f20201620303322e350501640303696e66ff"},
    {"hash zipmap", "09120201610102310000026262020232320000ff"},
    {"set intset", "0b0e0200000003000000fbff01002c01"},
    {"list", "01030161c0050163"},
    {"set", "02030161c0050163"},
    {"zset text scores", "0303016103312e350162fe0163022d32"},
    {"hash", "0402016601760167c13930"},
    {"zset binary scores", "05020161000000000000f83f016200000000000000c0"},
    {"quicklist2 plain node", "12020105706c61696e020a0a0000000100816102ff"},
};

TEST(ValueCodecTest, ReadsOldEncodings) {
  auto read = [](const char* name) {
    for (const OldVector& v : kOldVectors) {
      if (std::strcmp(v.name, name) == 0) {
        auto value = Read(FromHex(v.hex));
        EXPECT_TRUE(value.ok()) << name << ": " << value.status().message();
        return value;
      }
    }
    ADD_FAILURE() << name;
    return base::StatusOr<Value>(base::Status::Error(base::Status::Code::kInternal, name));
  };
  using Strings = std::vector<std::string>;
  using Pairs = std::map<std::string, std::string>;
  using Scored = std::vector<std::pair<std::string, double>>;
  EXPECT_EQ(ListItems(*read("list ziplist")->object), (Strings{"a", "b", "-10"}));
  EXPECT_EQ(ListItems(*read("quicklist")->object), (Strings{"a", "1"}));
  EXPECT_EQ(HashItems(*read("hash ziplist")->object),
            (Pairs{{"f1", "v1"}, {"n", "5"}, {"7", "seven"}}));
  EXPECT_EQ(ZSetItems(*read("zset ziplist")->object),
            (Scored{{"c", -3}, {"a", 1}, {"b", 2.5}, {"d", HUGE_VAL}}));
  EXPECT_EQ(HashItems(*read("hash zipmap")->object), (Pairs{{"a", "1"}, {"bb", "22"}}));
  EXPECT_EQ(SetItems(*read("set intset")->object), (std::set<std::string>{"-5", "1", "300"}));
  EXPECT_EQ(read("set intset")->object->encoding(), "intset");
  EXPECT_EQ(ListItems(*read("list")->object), (Strings{"a", "5", "c"}));
  EXPECT_EQ(SetItems(*read("set")->object), (std::set<std::string>{"a", "5", "c"}));
  EXPECT_EQ(read("set")->object->encoding(), "hashtable");
  EXPECT_EQ(ZSetItems(*read("zset text scores")->object),
            (Scored{{"c", -2}, {"a", 1.5}, {"b", HUGE_VAL}}));
  EXPECT_EQ(HashItems(*read("hash")->object), (Pairs{{"f", "v"}, {"g", "12345"}}));
  EXPECT_EQ(ZSetItems(*read("zset binary scores")->object), (Scored{{"b", -2}, {"a", 1.5}}));
  EXPECT_EQ(ListItems(*read("quicklist2 plain node")->object), (Strings{"plain", "a"}));
}

TEST(ValueCodecTest, EveryTruncationIsRejected) {
  std::vector<std::string> vectors;
  for (const OldVector& v : kOldVectors) vectors.push_back(FromHex(v.hex));
  vectors.push_back(Write(MakeList(2, {"a", "b", "c"})));
  vectors.push_back(Write(MakeHash({{"f", "v"}}, {0, 64})));
  vectors.push_back(Write(MakeZSet({{"a", 1}, {"b", 2}}, {1, 64})));
  vectors.push_back(Write(MakeSet({"x", "y"})));
  vectors.push_back(Write(nullptr, true, std::string(100, 'z')));
  for (const std::string& bytes : vectors) {
    ASSERT_TRUE(Read(bytes).ok()) << ToHex(bytes);
    for (size_t len = 0; len < bytes.size(); ++len) {
      EXPECT_FALSE(Read(bytes.substr(0, len)).ok()) << ToHex(bytes) << " cut at " << len;
    }
  }
}

// Refused by redis-server 7.0's RESTORE with sanitize-dump-payload yes (without it, Redis skips
// the duplicate and pair-count checks). Redis does not check listpack score texts; we refuse "xx".
TEST(ValueCodecTest, RefusesWhatRedisRefuses) {
  struct Case {
    const char* what;
    const char* hex;
  } cases[] = {
      {"duplicate set member", "020201610161"},
      {"duplicate intset value", "0b0c020000000200000001000100"},
      {"duplicate hash field", "04020166017601660177"},
      {"duplicate zset member", "0502016100000000000000000161000000000000f03f"},
      {"duplicate hash listpack field", "1013130000000400816602817602816602817702ff"},
      {"duplicate zset listpack member", "111111000000040081610201018161020201ff"},
      {"duplicate zipmap field", "090c0201610100310161010032ff"},
      {"NaN text score", "03010161fd"},
      {"NaN binary score", "05010161000000000000f87f"},
      {"empty list", "0100"},
      {"empty set", "0200"},
      {"empty zset", "0300"},
      {"empty hash", "0400"},
      {"empty zset2", "0500"},
      {"empty quicklist", "0e00"},
      {"empty quicklist2", "1200"},
      {"only an empty listpack node", "12010207070000000000ff"},
      {"unknown container", "1201030161"},
      {"hash listpack odd count", "1010100000000300816102816202816302ff"},
      {"zset listpack bad score", "110e0e000000020081610282787803ff"},
      {"hash listpack trailing byte", "100e0e0000000200816102816202ff00"},
      {"empty hash listpack", "1007070000000000ff"},
      {"empty ziplist list", "0a0b0b0000000a0000000000ff"},
      {"module", "0600"},
      {"no such type", "0800"},
  };
  for (const Case& c : cases) EXPECT_FALSE(Read(FromHex(c.hex)).ok()) << c.what;
  EXPECT_FALSE(IsValueType(8));
  EXPECT_TRUE(IsValueType(kTypeListQuicklist2));
  EXPECT_TRUE(IsValueType(kTypeStreamListpacks2));
  EXPECT_FALSE(IsValueType(kOpAux));
}

}  // namespace
}  // namespace tandem::rdb

namespace tandem::rdb {
namespace {

// Every single-byte change of every vector must be decoded or refused cleanly (run under ASan to
// catch out-of-bounds reads).
TEST(ValueCodecTest, ByteMutationsNeverCrash) {
  std::vector<std::string> vectors;
  for (const OldVector& v : kOldVectors) vectors.push_back(FromHex(v.hex));
  vectors.push_back(Write(MakeList(-2, {"a", "1", "-300", std::string(70, 'x')})));
  vectors.push_back(Write(MakeHash({{"f", "v"}, {"n", "123456"}})));
  vectors.push_back(Write(MakeZSet({{"a", 1}, {"b", 0.5}})));
  vectors.push_back(Write(MakeSet({"1", "70000"})));
  vectors.push_back(Write(nullptr, true, std::string(100, 'z')));
  size_t accepted = 0;
  for (const std::string& bytes : vectors) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (int delta : {1, 0x40, 0x7f, 0x80, 0xff}) {
        std::string mutated = bytes;
        mutated[i] = static_cast<char>(mutated[i] + delta);
        if (Read(mutated).ok()) ++accepted;
      }
    }
  }
  // Some mutations are harmless (a changed letter in a member); most are not.
  EXPECT_GT(accepted, 0u);
}

}  // namespace
}  // namespace tandem::rdb
