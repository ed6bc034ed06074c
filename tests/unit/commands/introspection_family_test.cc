#include <algorithm>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

class IntrospectionFamilyTest : public CommandTest {
 protected:
  static std::vector<std::string> Strings(const resp::Reply& r) {
    std::vector<std::string> out;
    for (const resp::Reply& e : r.elements) out.push_back(e.str);
    return out;
  }
  // The value under `key` in a map reply (a flat array in RESP2); null when absent.
  static const resp::Reply* Get(const resp::Reply& map, std::string_view key) {
    for (size_t i = 0; i + 1 < map.elements.size(); i += 2) {
      if (map.elements[i].str == key) return &map.elements[i + 1];
    }
    return nullptr;
  }
};

TEST_F(IntrospectionFamilyTest, CountMatchesCommand) {
  resp::Reply all = Run({"COMMAND"});
  ASSERT_EQ(all.type, Type::kArray);
  EXPECT_EQ(Run({"COMMAND", "COUNT"}).integer, static_cast<int64_t>(all.elements.size()));
  EXPECT_EQ(all.elements.size(), state_.commands.all().size());
  std::vector<std::string> names;
  for (const resp::Reply& entry : all.elements) names.push_back(entry.elements[0].str);
  for (std::string name : {"get", "set", "command", "client", "info", "slowlog"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  EXPECT_EQ(Run({"COMMAND", "INFO"}).elements.size(), all.elements.size());
}

TEST_F(IntrospectionFamilyTest, InfoOfGet) {
  resp::Reply r = Run({"COMMAND", "INFO", "get", "nosuch"});
  ASSERT_EQ(r.elements.size(), 2u);
  const resp::Reply& get = r.elements[0];
  ASSERT_EQ(get.elements.size(), 10u);
  EXPECT_EQ(get.elements[0].str, "get");
  EXPECT_EQ(get.elements[1].integer, 2);
  EXPECT_EQ(get.elements[2].elements[0].type, Type::kString);
  EXPECT_EQ(Strings(get.elements[2]), (std::vector<std::string>{"readonly", "fast"}));
  EXPECT_EQ(get.elements[3].integer, 1);
  EXPECT_EQ(get.elements[4].integer, 1);
  EXPECT_EQ(get.elements[5].integer, 1);
  EXPECT_EQ(Strings(get.elements[6]), (std::vector<std::string>{"@read", "@string", "@fast"}));
  EXPECT_EQ(get.elements[7].elements.size(), 0u);
  ASSERT_EQ(get.elements[8].elements.size(), 1u);
  const resp::Reply& spec = get.elements[8].elements[0];
  EXPECT_EQ(Strings(*Get(spec, "flags")), (std::vector<std::string>{"RO", "access"}));
  const resp::Reply* begin = Get(spec, "begin_search");
  EXPECT_EQ(Get(*begin, "type")->str, "index");
  EXPECT_EQ(Get(*Get(*begin, "spec"), "index")->integer, 1);
  const resp::Reply* find = Get(spec, "find_keys");
  EXPECT_EQ(Get(*find, "type")->str, "range");
  const resp::Reply* range = Get(*find, "spec");
  EXPECT_EQ(Get(*range, "lastkey")->integer, 0);
  EXPECT_EQ(Get(*range, "keystep")->integer, 1);
  EXPECT_EQ(Get(*range, "limit")->integer, 0);
  EXPECT_EQ(get.elements[9].elements.size(), 0u);
  EXPECT_EQ(r.elements[1].type, Type::kNil);
  EXPECT_EQ(out_.substr(out_.size() - 5), "$-1\r\n");
}

TEST_F(IntrospectionFamilyTest, InfoOfContainersAndSubcommands) {
  resp::Reply r = Run({"COMMAND", "INFO", "CLIENT|LIST", "client", "client|", "get|x"});
  ASSERT_EQ(r.elements.size(), 4u);
  const resp::Reply& list = r.elements[0];
  EXPECT_EQ(list.elements[0].str, "client|list");
  EXPECT_EQ(list.elements[1].integer, -2);
  EXPECT_EQ(Strings(list.elements[2]),
            (std::vector<std::string>{"admin", "noscript", "loading", "stale"}));
  EXPECT_EQ(Strings(list.elements[6]),
            (std::vector<std::string>{"@admin", "@slow", "@dangerous", "@connection"}));
  const resp::Reply& client = r.elements[1];
  EXPECT_EQ(client.elements[1].integer, -2);
  EXPECT_EQ(client.elements[2].elements.size(), 0u);
  EXPECT_EQ(Strings(client.elements[6]), (std::vector<std::string>{"@slow"}));
  EXPECT_GT(client.elements[9].elements.size(), 5u);
  EXPECT_EQ(client.elements[9].elements[0].elements.size(), 10u);
  EXPECT_EQ(r.elements[2].type, Type::kNil);
  EXPECT_EQ(r.elements[3].type, Type::kNil);
}

TEST_F(IntrospectionFamilyTest, InfoUsesSetsInResp3) {
  Run({"HELLO", "3"});
  resp::Reply get = Run({"COMMAND", "INFO", "get"}).elements[0];
  EXPECT_EQ(get.elements[2].type, Type::kSet);
  EXPECT_EQ(get.elements[6].type, Type::kSet);
  EXPECT_EQ(get.elements[7].type, Type::kSet);
  EXPECT_EQ(get.elements[8].type, Type::kSet);
  EXPECT_EQ(get.elements[8].elements[0].type, Type::kMap);
  EXPECT_EQ(get.elements[9].type, Type::kSet);
  resp::Reply client = Run({"COMMAND", "INFO", "client"}).elements[0];
  EXPECT_EQ(client.elements[9].type, Type::kArray);
}

TEST_F(IntrospectionFamilyTest, DocsOfGetAndContainers) {
  resp::Reply r = Run({"COMMAND", "DOCS", "get", "nosuch"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, "get");
  const resp::Reply& doc = r.elements[1];
  EXPECT_EQ(Get(doc, "summary")->str, "Get the value of a key");
  EXPECT_EQ(Get(doc, "since")->str, "1.0.0");
  EXPECT_EQ(Get(doc, "group")->str, "string");
  EXPECT_EQ(Get(doc, "complexity")->str, "O(1)");
  const resp::Reply* args = Get(doc, "arguments");
  ASSERT_NE(args, nullptr);
  ASSERT_EQ(args->elements.size(), 1u);
  EXPECT_EQ(Get(args->elements[0], "name")->str, "key");
  EXPECT_EQ(Get(args->elements[0], "type")->str, "key");
  EXPECT_EQ(Get(args->elements[0], "key_spec_index")->integer, 0);

  EXPECT_EQ(Run({"COMMAND", "DOCS", "nosuch"}).elements.size(), 0u);

  resp::Reply slowlog = Run({"COMMAND", "DOCS", "slowlog"});
  const resp::Reply& sdoc = slowlog.elements[1];
  EXPECT_EQ(Get(sdoc, "complexity")->str, "Depends on subcommand.");
  const resp::Reply* subs = Get(sdoc, "subcommands");
  ASSERT_NE(subs, nullptr);
  const resp::Reply* get = Get(*subs, "slowlog|get");
  ASSERT_NE(get, nullptr);
  const resp::Reply& count = Get(*get, "arguments")->elements[0];
  EXPECT_EQ(Get(count, "name")->str, "count");
  EXPECT_EQ(Strings(*Get(count, "flags")), (std::vector<std::string>{"optional"}));

  Run({"HELLO", "3"});
  resp::Reply map = Run({"COMMAND", "DOCS", "client|id"});
  EXPECT_EQ(map.type, Type::kMap);
  EXPECT_EQ(map.elements[0].str, "client|id");
  EXPECT_EQ(Run({"COMMAND", "DOCS", "nosuch"}).type, Type::kMap);
}

TEST_F(IntrospectionFamilyTest, GetKeys) {
  EXPECT_EQ(Strings(Run({"COMMAND", "GETKEYS", "SET", "k", "v"})), (std::vector<std::string>{"k"}));
  EXPECT_TRUE(IsError(Run({"COMMAND", "GETKEYS", "nosuch", "x"}), "ERR Invalid command specified"));
  EXPECT_TRUE(
      IsError(Run({"COMMAND", "GETKEYS", "client", "x", "y"}), "ERR Invalid command specified"));
  EXPECT_TRUE(
      IsError(Run({"COMMAND", "GETKEYS", "ping", "x"}), "ERR The command has no key arguments"));
  EXPECT_TRUE(IsError(Run({"COMMAND", "GETKEYS", "client", "list"}),
                      "ERR The command has no key arguments"));
  EXPECT_TRUE(IsError(Run({"COMMAND", "GETKEYS", "get", "a", "b"}),
                      "ERR Invalid number of arguments specified for command"));
  EXPECT_TRUE(IsError(Run({"COMMAND", "GETKEYS", "get"}),
                      "ERR wrong number of arguments for 'command|getkeys' command"));
}

TEST_F(IntrospectionFamilyTest, GetKeysAndFlags) {
  resp::Reply r = Run({"COMMAND", "GETKEYSANDFLAGS", "get", "k"});
  ASSERT_EQ(r.elements.size(), 1u);
  EXPECT_EQ(r.elements[0].elements[0].str, "k");
  EXPECT_EQ(Strings(r.elements[0].elements[1]), (std::vector<std::string>{"RO", "access"}));
}

TEST_F(IntrospectionFamilyTest, ListAndFilters) {
  std::vector<std::string> names = Strings(Run({"COMMAND", "LIST"}));
  for (std::string name : {"get", "client", "client|list", "command|docs", "slowlog|get"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());

  EXPECT_EQ(Strings(Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT|L*"})),
            (std::vector<std::string>{"client|list"}));
  std::vector<std::string> connection =
      Strings(Run({"COMMAND", "LIST", "filterby", "aclcat", "CONNECTION"}));
  auto has = [&](std::string_view name) {
    return std::find(connection.begin(), connection.end(), name) != connection.end();
  };
  EXPECT_TRUE(has("command"));
  EXPECT_TRUE(has("client|id"));
  EXPECT_TRUE(has("ping"));
  EXPECT_FALSE(has("client"));
  EXPECT_FALSE(has("get"));
  EXPECT_EQ(Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}).elements.size(), 0u);
  EXPECT_EQ(Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}).elements.size(), 0u);
  EXPECT_TRUE(IsError(Run({"COMMAND", "LIST", "FILTERBY", "BOGUS", "x"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"COMMAND", "LIST", "FILTERBY"}), "ERR syntax error"));
}

TEST_F(IntrospectionFamilyTest, HelpAndErrors) {
  resp::Reply help = Run({"COMMAND", "HELP"});
  EXPECT_EQ(help.elements[0].str,
            "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_TRUE(IsError(Run({"COMMAND", "FOO"}), "ERR unknown subcommand 'FOO'. Try COMMAND HELP."));
  EXPECT_TRUE(IsError(Run({"COMMAND", "COUNT", "x"}),
                      "ERR wrong number of arguments for 'command|count' command"));
}

}  // namespace
}  // namespace tandem::commands::testing
