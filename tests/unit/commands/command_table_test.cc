// Invariants every row of the command table must keep: the dispatcher, COMMAND INFO and ACL rely
// on them.

#include "server/commands/command_table.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

namespace tandem::commands {
namespace {

void CheckRow(const CommandSpec& spec, const CommandSpec* parent, std::set<int>* ids) {
  SCOPED_TRACE(std::string(spec.full_name));
  EXPECT_FALSE(spec.name.empty());
  for (char c : spec.name) EXPECT_FALSE(std::isupper(static_cast<unsigned char>(c)));
  EXPECT_NE(spec.arity, 0);
  EXPECT_TRUE(ids->insert(spec.id).second) << "duplicate id";
  EXPECT_FALSE(spec.group.empty());
  EXPECT_FALSE(spec.summary.empty());
  EXPECT_FALSE(spec.since.empty());
  // Write and read-only are exclusive; a write that may grow memory is what denyoom guards.
  EXPECT_FALSE((spec.flags & kWrite) && (spec.flags & kReadonly));
  if (spec.flags & kDenyOom) {
    EXPECT_TRUE(spec.flags & kWrite);
  }
  if (parent != nullptr) {
    EXPECT_EQ(spec.full_name, std::string(parent->name) + "|" + std::string(spec.name));
    // A subcommand's argv includes the container name: it needs at least two arguments.
    EXPECT_TRUE(spec.arity >= 2 || spec.arity <= -2);
  }
  if (spec.subcommands.empty()) {
    EXPECT_NE(spec.handler, nullptr);
  }
  // Key positions: a command with keys names its first key after the name, and a last key at or
  // after it (negative: counted from the end); key flags come with keys.
  if (spec.first_key > 0 && spec.key_finder == nullptr) {
    EXPECT_TRUE(spec.last_key < 0 || spec.last_key >= spec.first_key);
    EXPECT_GE(spec.step, 1);
    EXPECT_FALSE(spec.key_flags.empty());
  }
  if (spec.first_key == 0 && spec.key_finder == nullptr) {
    EXPECT_EQ(spec.last_key, 0);
  }
  for (const CommandSpec& sub : spec.subcommands) CheckRow(sub, &spec, ids);
}

TEST(CommandTableTest, EveryRowKeepsTheInvariants) {
  CommandTable table;
  std::set<int> ids;
  std::set<std::string_view> names;
  for (const CommandSpec* spec : table.all()) {
    EXPECT_TRUE(names.insert(spec->name).second) << spec->name << " registered twice";
    CheckRow(*spec, nullptr, &ids);
  }
  EXPECT_EQ(static_cast<int>(ids.size()), table.id_count());
  for (int id = 0; id < table.id_count(); ++id) EXPECT_EQ(table.ById(id)->id, id);
}

TEST(CommandTableTest, LookupIgnoresCaseAndFindsSubcommands) {
  CommandTable table;
  ASSERT_NE(table.Find("GeT"), nullptr);
  EXPECT_EQ(table.Find("GeT")->name, "get");
  EXPECT_EQ(table.Find("nosuchcommand"), nullptr);
  EXPECT_EQ(table.Find(std::string(200, 'a')), nullptr);
  const CommandSpec* client = table.Find("CLIENT");
  ASSERT_NE(client, nullptr);
  const CommandSpec* setname = table.FindSubcommand(*client, "SetName");
  ASSERT_NE(setname, nullptr);
  EXPECT_EQ(setname->full_name, "client|setname");
  EXPECT_EQ(table.FindSubcommand(*client, "nope"), nullptr);
}

TEST(CommandTableTest, KeyPositionsFollowTheRow) {
  CommandTable table;
  std::vector<std::string_view> mset = {"MSET", "a", "1", "b", "2"};
  EXPECT_EQ(KeyPositions(*table.Find("mset"), mset), (std::vector<int>{1, 3}));
  std::vector<std::string_view> del = {"DEL", "a", "b", "c"};
  EXPECT_EQ(KeyPositions(*table.Find("del"), del), (std::vector<int>{1, 2, 3}));
  std::vector<std::string_view> ping = {"PING"};
  EXPECT_TRUE(KeyPositions(*table.Find("ping"), ping).empty());
}

TEST(CommandTableTest, AclCategoriesDeriveFromFlags) {
  CommandTable table;
  uint64_t get = EffectiveAclCategories(*table.Find("get"));
  EXPECT_TRUE(get & kAclRead);
  EXPECT_TRUE(get & kAclFast);
  EXPECT_TRUE(get & kAclString);
  EXPECT_FALSE(get & kAclWrite);
  uint64_t flushall = EffectiveAclCategories(*table.Find("flushall"));
  EXPECT_TRUE(flushall & kAclDangerous);
  EXPECT_TRUE(flushall & kAclSlow);
}

}  // namespace
}  // namespace tandem::commands
