#include <string>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

class ExpireFamilyTest : public CommandTest {
 protected:
  int64_t Int(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Type::kInteger) << r.str;
    return r.integer;
  }
  std::string Seconds(int64_t from_now) { return std::to_string(clock_.NowMs() / 1000 + from_now); }
};

TEST_F(ExpireFamilyTest, ExpireAndTtl) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Int({"TTL", "k"}), -1);
  EXPECT_EQ(Int({"PTTL", "k"}), -1);
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Int({"EXPIRE", "k", "100"}), 1);
  EXPECT_EQ(state_.stats.dirty, dirty + 1);
  EXPECT_EQ(Int({"TTL", "k"}), 100);
  EXPECT_EQ(Int({"PTTL", "k"}), 100000);
  clock_.AdvanceMs(400);
  EXPECT_EQ(Int({"TTL", "k"}), 100);  // 99.6 rounds to the nearest second
  clock_.AdvanceMs(200);
  EXPECT_EQ(Int({"TTL", "k"}), 99);
  EXPECT_EQ(Int({"PEXPIRE", "k", "50000"}), 1);
  EXPECT_EQ(Int({"PTTL", "k"}), 50000);
  EXPECT_EQ(Int({"EXPIRE", "missing", "100"}), 0);
}

TEST_F(ExpireFamilyTest, KeyDisappearsAtItsExpireTime) {
  Run({"SET", "k", "v"});
  Run({"PEXPIRE", "k", "150"});
  clock_.AdvanceMs(149);
  EXPECT_EQ(Run({"GET", "k"}).str, "v");
  EXPECT_EQ(Int({"PTTL", "k"}), 1);
  clock_.AdvanceMs(1);
  EXPECT_EQ(Run({"GET", "k"}).type, Type::kNil);
  EXPECT_EQ(Int({"TTL", "k"}), -2);
}

TEST_F(ExpireFamilyTest, MissingKeyTtls) {
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"})
    EXPECT_EQ(Int({cmd, "missing"}), -2) << cmd;
}

TEST_F(ExpireFamilyTest, ExpireAtAndExpireTime) {
  Run({"SET", "k", "v"});
  std::string at = Seconds(1000);
  EXPECT_EQ(Int({"EXPIREAT", "k", at}), 1);
  EXPECT_EQ(Int({"EXPIRETIME", "k"}), std::stoll(at));
  EXPECT_EQ(Int({"PEXPIRETIME", "k"}), std::stoll(at) * 1000);
  int64_t pat = (clock_.NowMs() / 1000 + 500) * 1000 + 600;
  EXPECT_EQ(Int({"PEXPIREAT", "k", std::to_string(pat)}), 1);
  EXPECT_EQ(Int({"PEXPIRETIME", "k"}), pat);
  EXPECT_EQ(Int({"EXPIRETIME", "k"}), pat / 1000 + 1);
  EXPECT_EQ(Int({"PEXPIREAT", "k", std::to_string(pat - 200)}), 1);
  EXPECT_EQ(Int({"EXPIRETIME", "k"}), pat / 1000);
  EXPECT_EQ(Int({"PERSIST", "k"}), 1);
  EXPECT_EQ(Int({"EXPIRETIME", "k"}), -1);
  EXPECT_EQ(Int({"PEXPIRETIME", "k"}), -1);
}

TEST_F(ExpireFamilyTest, ExpireInThePastDeletes) {
  const std::pair<const char*, std::string> cases[] = {
      {"EXPIRE", "0"},   {"EXPIRE", "-1"},   {"PEXPIRE", "-100"},
      {"EXPIREAT", "1"}, {"PEXPIREAT", "0"}, {"PEXPIREAT", std::to_string(clock_.NowMs())}};
  for (const auto& [cmd, value] : cases) {
    Run({"SET", "k", "v"});
    uint64_t dirty = state_.stats.dirty;
    EXPECT_EQ(Int({cmd, "k", value}), 1) << cmd << " " << value;
    EXPECT_EQ(state_.keyspace.db(0).size(), 0u);
    EXPECT_EQ(state_.stats.dirty, dirty + 1);
  }
  EXPECT_EQ(state_.keyspace.stats().expired_keys, 0u);  // a deletion, not an expiry
}

TEST_F(ExpireFamilyTest, NxAndXx) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Int({"EXPIRE", "k", "100", "XX"}), 0);
  EXPECT_EQ(Int({"TTL", "k"}), -1);
  EXPECT_EQ(Int({"EXPIRE", "k", "100", "nx"}), 1);
  EXPECT_EQ(Int({"EXPIRE", "k", "200", "NX"}), 0);
  EXPECT_EQ(Int({"TTL", "k"}), 100);
  EXPECT_EQ(Int({"EXPIRE", "k", "50", "xx"}), 1);
  EXPECT_EQ(Int({"TTL", "k"}), 50);
}

TEST_F(ExpireFamilyTest, GtAndLtTreatNoTtlAsForever) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Int({"EXPIRE", "k", "100", "GT"}), 0);
  EXPECT_EQ(Int({"TTL", "k"}), -1);
  EXPECT_EQ(Int({"EXPIRE", "k", "100", "LT"}), 1);
  EXPECT_EQ(Int({"EXPIRE", "k", "50", "GT"}), 0);
  EXPECT_EQ(Int({"EXPIRE", "k", "200", "GT"}), 1);
  EXPECT_EQ(Int({"EXPIRE", "k", "200", "GT"}), 0);  // equal is not greater
  EXPECT_EQ(Int({"EXPIRE", "k", "300", "LT"}), 0);
  EXPECT_EQ(Int({"EXPIRE", "k", "10", "LT"}), 1);
  EXPECT_EQ(Int({"TTL", "k"}), 10);
  EXPECT_EQ(Int({"EXPIRE", "k", "-1", "GT"}), 0);
  EXPECT_EQ(Int({"EXISTS", "k"}), 1);
  EXPECT_EQ(Int({"EXPIRE", "k", "-1", "LT"}), 1);
  EXPECT_EQ(Int({"EXISTS", "k"}), 0);
}

TEST_F(ExpireFamilyTest, OptionErrorsComeBeforeTheKeyAndTheNumber) {
  Run({"SET", "k", "v"});
  const std::string nx_conflict =
      "ERR NX and XX, GT or LT options at the same time are not compatible";
  const std::string gt_lt = "ERR GT and LT options at the same time are not compatible";
  for (const char* cmd : {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
    EXPECT_TRUE(IsError(Run({cmd, "k", "100", "NX", "XX"}), nx_conflict));
    EXPECT_TRUE(IsError(Run({cmd, "k", "100", "GT", "NX"}), nx_conflict));
    EXPECT_TRUE(IsError(Run({cmd, "k", "100", "NX", "LT"}), nx_conflict));
    EXPECT_TRUE(IsError(Run({cmd, "k", "100", "GT", "LT"}), gt_lt));
    EXPECT_TRUE(IsError(Run({cmd, "k", "100", "XX", "GT", "LT"}), gt_lt));
    EXPECT_TRUE(IsError(Run({cmd, "k", "100", "foo"}), "ERR Unsupported option foo"));
    EXPECT_TRUE(IsError(Run({cmd, "missing", "abc", "foo"}), "ERR Unsupported option foo"));
    EXPECT_TRUE(IsError(Run({cmd, "k", "1.5"}), "ERR value is not an integer or out of range"));
  }
  EXPECT_EQ(Int({"TTL", "k"}), -1);
}

TEST_F(ExpireFamilyTest, OverflowIsAnError) {
  Run({"SET", "k", "v"});
  const std::pair<const char*, const char*> cases[] = {
      {"EXPIRE", "9223372036854775807"},   {"PEXPIRE", "9223372036854775807"},
      {"EXPIREAT", "9223372036854775807"}, {"EXPIRE", "9223372036854775"},
      {"EXPIRE", "-9223372036854775808"},  {"EXPIRE", "-9223372036854776"}};
  for (const auto& [cmd, value] : cases) {
    std::string lower(cmd);
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(
        IsError(Run({cmd, "k", value}), "ERR invalid expire time in '" + lower + "' command"))
        << cmd << " " << value;
  }
  // The overflow check comes before the key lookup.
  EXPECT_TRUE(IsError(Run({"EXPIRE", "missing", "9223372036854775"}),
                      "ERR invalid expire time in 'expire' command"));
  // Far but representable: PEXPIREAT takes any int64 ms.
  EXPECT_EQ(Int({"PEXPIREAT", "k", "9223372036854775807"}), 1);
  EXPECT_EQ(Int({"PEXPIRETIME", "k"}), INT64_MAX);
  EXPECT_EQ(Int({"EXPIRETIME", "k"}), 9223372036854776);
}

TEST_F(ExpireFamilyTest, Persist) {
  Run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(Int({"PERSIST", "k"}), 1);
  EXPECT_EQ(Int({"TTL", "k"}), -1);
  EXPECT_EQ(state_.keyspace.db(0).expires(), 0u);
  EXPECT_EQ(Int({"PERSIST", "k"}), 0);
  EXPECT_EQ(Int({"PERSIST", "missing"}), 0);
}

TEST_F(ExpireFamilyTest, TtlDoesNotTouch) {
  Run({"SET", "k", "v", "EX", "100"});
  clock_.AdvanceMs(3000);
  Int({"TTL", "k"});
  Int({"PEXPIRETIME", "k"});
  EXPECT_EQ(Int({"OBJECT", "IDLETIME", "k"}), 3);
}

}  // namespace
}  // namespace tandem::commands::testing
