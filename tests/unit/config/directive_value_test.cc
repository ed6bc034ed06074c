#include "server/config/directive_value.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "server/config/keyspace_events.h"

namespace tandem::config {
namespace {

const Directive& D(std::string_view name) {
  const Directive* d = FindDirective(name);
  EXPECT_NE(d, nullptr) << name;
  return *d;
}

// Parses `args` for `name`, starting from its default value.
base::StatusOr<Value> Parse(std::string_view name, const std::vector<std::string>& args) {
  return ParseValue(D(name), args, DefaultValue(D(name)));
}

// The CONFIG GET text a single argument gives, or "ERROR: <reason>".
std::string Text(std::string_view name, const std::string& arg) {
  base::StatusOr<Value> value = Parse(name, {arg});
  return value.ok() ? value->text : "ERROR: " + value.status().message();
}

std::string TextOfMany(std::string_view name, const std::string& value) {
  base::StatusOr<Value> parsed = Parse(name, SplitAtSpaces(value));
  return parsed.ok() ? parsed->text : "ERROR: " + parsed.status().message();
}

TEST(DirectiveValueTest, Booleans) {
  EXPECT_EQ(Text("appendonly", "yes"), "yes");
  EXPECT_EQ(Text("appendonly", "YES"), "yes");
  EXPECT_EQ(Text("appendonly", "No"), "no");
  EXPECT_EQ(Text("appendonly", "1"), "ERROR: argument must be 'yes' or 'no'");
  EXPECT_EQ(Parse("appendonly", {"yes"})->number, 1);
}

TEST(DirectiveValueTest, Integers) {
  EXPECT_EQ(Text("timeout", "300"), "300");
  EXPECT_EQ(Text("timeout", "0"), "0");
  for (const char* bad : {"05", "+5", " 5", "5 ", "1.0", "-0", "", "1k", "99999999999999999999"}) {
    EXPECT_EQ(Text("timeout", bad), "ERROR: argument couldn't be parsed into an integer") << bad;
  }
  EXPECT_EQ(Text("timeout", "-1"), "ERROR: argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(Text("list-max-listpack-size", "-9223372036854775808"),
            "ERROR: argument must be between -2147483648 and 2147483647 inclusive");
  EXPECT_EQ(Text("slowlog-log-slower-than", "-1"), "-1");
  EXPECT_EQ(Text("slowlog-log-slower-than", "-2"),
            "ERROR: argument must be between -1 and 9223372036854775807 inclusive");
  EXPECT_EQ(Text("maxclients", "0"), "ERROR: argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(Text("maxclients", "-1"), "ERROR: argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(Text("tracking-table-max-keys", "-1"),
            "ERROR: argument must be between 0 and 9223372036854775807 inclusive");
  EXPECT_EQ(Text("port", "65536"), "ERROR: argument must be between 0 and 65535 inclusive");
}

TEST(DirectiveValueTest, HzIsHeldWithinOneAndFiveHundred) {
  EXPECT_EQ(Text("hz", "10000"), "500");
  EXPECT_EQ(Text("hz", "0"), "1");
  EXPECT_EQ(Text("hz", "100"), "100");
}

TEST(DirectiveValueTest, MemoryUnitsAsMemtoull) {
  EXPECT_EQ(Text("maxmemory", "1k"), "1000");
  EXPECT_EQ(Text("maxmemory", "1K"), "1000");
  EXPECT_EQ(Text("maxmemory", "1kb"), "1024");
  EXPECT_EQ(Text("maxmemory", "1KB"), "1024");
  EXPECT_EQ(Text("maxmemory", "2m"), "2000000");
  EXPECT_EQ(Text("maxmemory", "2mb"), "2097152");
  EXPECT_EQ(Text("maxmemory", "3g"), "3000000000");
  EXPECT_EQ(Text("maxmemory", "3Gb"), "3221225472");
  EXPECT_EQ(Text("maxmemory", "1b"), "1");
  EXPECT_EQ(Text("maxmemory", "05"), "5");
  EXPECT_EQ(Text("maxmemory", ""), "0");
  EXPECT_EQ(Text("maxmemory", "mb"), "0");
  // Checked against redis-server 7.0.15: too many digits saturate, units wrap around.
  EXPECT_EQ(Text("maxmemory", "18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(Text("maxmemory", "18446744073709551616"), "18446744073709551615");
  EXPECT_EQ(Text("maxmemory", "20000000000gb"), "3028092406290448384");
  for (const char* bad : {"-1", "1.5mb", " 5", "+5", "0x10", "1 kb", "1tb", "1kbb"}) {
    EXPECT_EQ(Text("maxmemory", bad), "ERROR: argument must be a memory value") << bad;
  }
  EXPECT_EQ(Text("proto-max-bulk-len", "1k"),
            "ERROR: argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(Text("proto-max-bulk-len", "18446744073709551615"),
            "ERROR: argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(Text("proto-max-bulk-len", "1gb"), "1073741824");
  EXPECT_EQ(Text("hash-max-listpack-value", "18446744073709551615"),
            "ERROR: argument must be between 0 and 9223372036854775807 inclusive");
}

TEST(DirectiveValueTest, MemoryOrPercent) {
  EXPECT_EQ(Text("maxmemory-clients", "10%"), "10%");
  EXPECT_EQ(Parse("maxmemory-clients", {"10%"})->number, -10);
  EXPECT_EQ(Text("maxmemory-clients", "1mb"), "1048576");
  EXPECT_EQ(Text("maxmemory-clients", "0%"), "0");
  EXPECT_EQ(Text("maxmemory-clients", "101%"),
            "ERROR: percentage argument must be less or equal to 100");
  EXPECT_EQ(Text("maxmemory-clients", "-5"), "ERROR: argument must be a memory or percent value");
  EXPECT_EQ(Text("maxmemory-clients", "%"), "ERROR: argument must be a memory or percent value");
}

TEST(DirectiveValueTest, Octal) {
  EXPECT_EQ(Text("unixsocketperm", "700"), "700");
  EXPECT_EQ(Parse("unixsocketperm", {"700"})->number, 0700);
  EXPECT_EQ(Text("unixsocketperm", ""), "0");
  EXPECT_EQ(Text("unixsocketperm", "1000"), "ERROR: argument must be between 0 and 777 inclusive");
  EXPECT_EQ(Text("unixsocketperm", "8"), "ERROR: argument couldn't be parsed as an octal number");
}

TEST(DirectiveValueTest, Enums) {
  EXPECT_EQ(Text("maxmemory-policy", "ALLKEYS-LRU"), "allkeys-lru");
  EXPECT_EQ(Text("maxmemory-policy", "foo"),
            "ERROR: argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
  EXPECT_EQ(Text("maxmemory-policy", ""), Text("maxmemory-policy", "foo"));
  // Synonyms print as the first name with their value.
  EXPECT_EQ(Text("oom-score-adj", "relative"), "yes");
  EXPECT_EQ(Text("oom-score-adj", "absolute"), "absolute");
  EXPECT_EQ(Parse("loglevel", {"warning"})->number, 3);
}

TEST(DirectiveValueTest, EnumFlags) {
  EXPECT_EQ(TextOfMany("shutdown-on-sigint", "nosave now"), "nosave now");
  EXPECT_EQ(TextOfMany("shutdown-on-sigint", "now nosave force"), "nosave now force");
  EXPECT_EQ(TextOfMany("shutdown-on-sigint", "default now"), "now");
  EXPECT_EQ(TextOfMany("shutdown-on-sigint", "default"), "default");
  EXPECT_EQ(TextOfMany("shutdown-on-sigint", "save nosave"),
            "ERROR: shutdown options SAVE and NOSAVE can't be used simultaneously");
  const std::string choices =
      "ERROR: argument(s) must be one of the following: default, save, nosave, now, force";
  EXPECT_EQ(TextOfMany("shutdown-on-sigint", ""), choices);
  EXPECT_EQ(TextOfMany("shutdown-on-sigint", "NOW  force"), choices);
}

TEST(DirectiveValueTest, StringsAndTheirChecks) {
  EXPECT_EQ(Text("logfile", "/var/log/x.log"), "/var/log/x.log");
  EXPECT_EQ(Text("dbfilename", "a/b"), "ERROR: dbfilename can't be a path, just a filename");
  EXPECT_EQ(Text("dbfilename", "a\\b"), "ERROR: dbfilename can't be a path, just a filename");
  EXPECT_EQ(Text("appendfilename", ""), "ERROR: appendfilename can't be empty");
  EXPECT_EQ(Text("appendfilename", "x/y"),
            "ERROR: appendfilename can't be a path, just a filename");
  EXPECT_EQ(Text("appenddirname", "x/y"), "ERROR: appenddirname can't be a path, just a dirname");
  EXPECT_EQ(Text("cluster-announce-hostname", "a_b"),
            "ERROR: Hostnames may only contain alphanumeric characters, hyphens or dots");
  EXPECT_EQ(Text("cluster-announce-hostname", "host-1.example"), "host-1.example");
  const std::string bad_template =
      "ERROR: template format is invalid or contains unknown variables";
  for (const char* ok : {"{port} {tls-port} {config-file}", "a}", "{{", "x {{ }}", "x{title}"}) {
    EXPECT_EQ(Text("proc-title-template", ok), ok);
  }
  for (const char* bad :
       {"", "  ", "{title}", "{server-mode}", "{unixsocket}", "{", "{}", "{ title}", "{title"}) {
    EXPECT_EQ(Text("proc-title-template", bad), bad_template) << bad;
  }
}

TEST(DirectiveValueTest, Save) {
  EXPECT_EQ(TextOfMany("save", "900 1 300 10"), "900 1 300 10");
  EXPECT_EQ(Parse("save", {""})->text, "");
  EXPECT_EQ(TextOfMany("save", ""), "");
  EXPECT_EQ(TextOfMany("save", "10 "), "10 0");  // strtoll reads "" as 0, as Redis does
  for (const char* bad : {"0", "0 1", "1 -1", "5 x", "1  2", "900"}) {
    EXPECT_EQ(TextOfMany("save", bad), "ERROR: Invalid save parameters") << bad;
  }
  const std::vector<SavePoint> points = DecodeSavePoints("3600 1 300 100");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[1].seconds, 300);
  EXPECT_EQ(points[1].changes, 100);
}

TEST(DirectiveValueTest, Bind) {
  EXPECT_EQ(TextOfMany("bind", "127.0.0.1 -::1"), "127.0.0.1 -::1");
  EXPECT_EQ(Parse("bind", {""})->text, "");
  EXPECT_EQ(TextOfMany("bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
            "ERROR: Too many bind addresses specified.");
}

TEST(DirectiveValueTest, ClientOutputBufferLimit) {
  const std::string defaults =
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  EXPECT_EQ(TextOfMany("client-output-buffer-limit", "normal 1mb 2MB 3"),
            "normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(TextOfMany("client-output-buffer-limit", "replica 1k 2k 0 PUBSUB 1gb 1gb 1"),
            "normal 0 0 0 slave 1000 2000 0 pubsub 1073741824 1073741824 1");
  EXPECT_EQ(TextOfMany("client-output-buffer-limit", ""), defaults);
  EXPECT_EQ(TextOfMany("client-output-buffer-limit", "normal 1 2"),
            "ERROR: Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(TextOfMany("client-output-buffer-limit", "normal  1 2 3"),
            "ERROR: Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(TextOfMany("client-output-buffer-limit", "master 1 2 3"),
            "ERROR: Invalid client class specified in buffer limit configuration.");
  for (const char* bad : {"normal 1 2 -1", "normal 1 2 x", "normal x 2 3", "normal 1 -2 3"}) {
    EXPECT_EQ(TextOfMany("client-output-buffer-limit", bad),
              "ERROR: Error in hard, soft or soft_seconds setting in buffer limit configuration.")
        << bad;
  }
  const OutputBufferLimits limits = DecodeOutputBufferLimits(defaults);
  EXPECT_EQ(limits.replica.hard_limit_bytes, 268435456u);
  EXPECT_EQ(limits.pubsub.soft_limit_bytes, 8388608u);
  EXPECT_EQ(limits.pubsub.soft_limit_seconds, 60);
}

TEST(DirectiveValueTest, NotifyKeyspaceEvents) {
  EXPECT_EQ(Text("notify-keyspace-events", "KEA"), "AKE");
  EXPECT_EQ(Text("notify-keyspace-events", "Kn"), "nK");
  EXPECT_EQ(Text("notify-keyspace-events", "Emx"), "xEm");
  EXPECT_EQ(Text("notify-keyspace-events", "g$lshzxetd"), "A");
  EXPECT_EQ(Text("notify-keyspace-events", "An"), "A");  // n is kept but not shown
  EXPECT_EQ(Parse("notify-keyspace-events", {"An"})->number,
            keyspace_event::kAll | keyspace_event::kNewKey);
  EXPECT_EQ(Text("notify-keyspace-events", ""), "");
  EXPECT_EQ(Text("notify-keyspace-events", "Q"),
            "ERROR: Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
}

TEST(DirectiveValueTest, OomScoreAdjValues) {
  EXPECT_EQ(TextOfMany("oom-score-adj-values", "800 200 0"), "800 200 0");
  EXPECT_EQ(TextOfMany("oom-score-adj-values", "1 2"), "ERROR: wrong number of arguments");
  EXPECT_EQ(TextOfMany("oom-score-adj-values", "-2001 0 0"),
            "ERROR: Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
}

TEST(DirectiveValueTest, LatencyPercentiles) {
  EXPECT_EQ(TextOfMany("latency-tracking-info-percentiles", "99.99999 0 100 1e1"),
            "99.99999 0 100 10");
  EXPECT_EQ(TextOfMany("latency-tracking-info-percentiles", "0.0000001 -0"), "0 -0");
  EXPECT_EQ(TextOfMany("latency-tracking-info-percentiles", ""), "");
  for (const char* bad : {"abc", "1 2  3", " 5"}) {
    EXPECT_EQ(TextOfMany("latency-tracking-info-percentiles", bad),
              "ERROR: Invalid latency-tracking-info-percentiles parameters")
        << bad;
  }
  EXPECT_EQ(TextOfMany("latency-tracking-info-percentiles", "100.0000001"),
            "ERROR: latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
}

TEST(DirectiveValueTest, ReplicaOf) {
  EXPECT_EQ(TextOfMany("replicaof", "10.0.0.1 6380"), "10.0.0.1 6380");
  EXPECT_EQ(TextOfMany("replicaof", "NO ONE"), "");
  EXPECT_EQ(TextOfMany("replicaof", "host"), "ERROR: wrong number of arguments");
  EXPECT_EQ(TextOfMany("replicaof", "host x"), "ERROR: Invalid master port");
  EXPECT_EQ(TextOfMany("replicaof", "host 65536"), "ERROR: Invalid master port");
}

TEST(DirectiveValueTest, Dir) {
  const std::filesystem::path base =
      std::filesystem::temp_directory_path() / ("tandem-dir-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(base / "sub");
  const std::string root = std::filesystem::canonical(base).string();
  const Value at_root{root, 0};
  EXPECT_EQ(ParseValue(D("dir"), {"sub"}, at_root)->text, root + "/sub");
  EXPECT_EQ(ParseValue(D("dir"), {root + "/sub/.."}, at_root)->text, root);
  EXPECT_EQ(ParseValue(D("dir"), {"missing"}, at_root).status().message(),
            "No such file or directory");
  EXPECT_EQ(ParseValue(D("dir"), {""}, at_root).status().message(), "No such file or directory");
  std::filesystem::remove_all(base);
  EXPECT_EQ(DefaultValue(D("dir")).text, std::filesystem::current_path().string());
}

TEST(DirectiveValueTest, SplitAtSpaces) {
  EXPECT_EQ(SplitAtSpaces(""), std::vector<std::string>{});
  EXPECT_EQ(SplitAtSpaces("a b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SplitAtSpaces("a  b "), (std::vector<std::string>{"a", "", "b", ""}));
}

std::vector<std::string> RewriteTexts(std::string_view name, const Value& value,
                                      std::vector<bool>* forced = nullptr) {
  std::vector<std::string> texts;
  for (const RewriteLine& line : RewriteLines(D(name), value)) {
    texts.push_back(line.text);
    if (forced != nullptr) forced->push_back(line.force);
  }
  return texts;
}

TEST(DirectiveValueTest, RewriteLines) {
  std::vector<bool> forced;
  EXPECT_EQ(RewriteTexts("maxmemory", *Parse("maxmemory", {"2gb"}), &forced),
            std::vector<std::string>{"maxmemory 2gb"});
  EXPECT_EQ(forced, std::vector<bool>{true});
  forced.clear();
  EXPECT_EQ(RewriteTexts("maxmemory", DefaultValue(D("maxmemory")), &forced),
            std::vector<std::string>{"maxmemory 0"});
  EXPECT_EQ(forced, std::vector<bool>{false});
  EXPECT_EQ(RewriteTexts("maxmemory", *Parse("maxmemory", {"3mb"})),
            std::vector<std::string>{"maxmemory 3mb"});
  EXPECT_EQ(RewriteTexts("maxmemory", *Parse("maxmemory", {"1025"})),
            std::vector<std::string>{"maxmemory 1025"});
  EXPECT_EQ(RewriteTexts("maxmemory-clients", *Parse("maxmemory-clients", {"5%"})),
            std::vector<std::string>{"maxmemory-clients 5%"});
  EXPECT_EQ(RewriteTexts("slave-read-only", *Parse("replica-read-only", {"no"})),
            std::vector<std::string>{"replica-read-only no"});
  EXPECT_EQ(RewriteTexts("logfile", *Parse("logfile", {"a \"b\".log"})),
            std::vector<std::string>{"logfile \"a \\\"b\\\".log\""});
  EXPECT_TRUE(RewriteTexts("requirepass", DefaultValue(D("requirepass"))).empty());
  EXPECT_EQ(RewriteTexts("requirepass", *Parse("requirepass", {"pw"})),
            std::vector<std::string>{"requirepass \"pw\""});
  EXPECT_EQ(RewriteTexts("save", *Parse("save", {""})), std::vector<std::string>{"save \"\""});
  EXPECT_EQ(RewriteTexts("save", DefaultValue(D("save"))),
            (std::vector<std::string>{"save 3600 1", "save 300 100", "save 60 10000"}));
  EXPECT_TRUE(RewriteTexts("bind", DefaultValue(D("bind"))).empty());
  EXPECT_EQ(RewriteTexts("bind", *Parse("bind", {""})), std::vector<std::string>{"bind \"\""});
  forced.clear();
  EXPECT_EQ(
      RewriteTexts("client-output-buffer-limit",
                   *Parse("client-output-buffer-limit", {"pubsub", "64mb", "16mb", "90"}), &forced),
      (std::vector<std::string>{"client-output-buffer-limit normal 0 0 0",
                                "client-output-buffer-limit replica 256mb 64mb 60",
                                "client-output-buffer-limit pubsub 64mb 16mb 90"}));
  EXPECT_EQ(forced, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(RewriteTexts("notify-keyspace-events", *Parse("notify-keyspace-events", {"KEA"})),
            std::vector<std::string>{"notify-keyspace-events \"AKE\""});
  EXPECT_EQ(RewriteTexts("unixsocketperm", *Parse("unixsocketperm", {"755"})),
            std::vector<std::string>{"unixsocketperm 755"});
  EXPECT_TRUE(RewriteTexts("replicaof", DefaultValue(D("replicaof"))).empty());
  EXPECT_EQ(RewriteTexts("slaveof", *Parse("replicaof", {"h", "1"})),
            std::vector<std::string>{"replicaof h 1"});
  EXPECT_EQ(RewriteTexts("latency-tracking-info-percentiles",
                         DefaultValue(D("latency-tracking-info-percentiles"))),
            std::vector<std::string>{"latency-tracking-info-percentiles 50 99 99.9"});
}

}  // namespace
}  // namespace tandem::config
