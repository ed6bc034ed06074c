#include <string>
#include <vector>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;
using testing::IsError;
using Strs = std::vector<std::string>;

constexpr std::string_view kSyntax = "ERR syntax error";

class GeoFamilyTest : public testing::CommandTest {
 protected:
  void AddSicily() {
    ASSERT_EQ(Run({"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269",
                   "37.502669", "Catania"})
                  .integer,
              2);
  }
  // The bulk strings of an array reply (nested arrays flattened, integers as text).
  static Strs Strings(const Reply& r) {
    Strs out;
    for (const Reply& e : r.elements) {
      if (e.type == Reply::Type::kArray) {
        Strs inner = Strings(e);
        out.insert(out.end(), inner.begin(), inner.end());
      } else if (e.type == Reply::Type::kInteger) {
        out.push_back(std::to_string(e.integer));
      } else {
        out.push_back(e.str);
      }
    }
    return out;
  }
  Strs Flat(std::vector<std::string> argv) { return Strings(Run(std::move(argv))); }
};

TEST_F(GeoFamilyTest, AddStoresGeohashScoresLikeZadd) {
  AddSicily();
  EXPECT_EQ(Run({"TYPE", "Sicily"}).str, "zset");
  EXPECT_EQ(Run({"ZSCORE", "Sicily", "Palermo"}).str, "3479099956230698");
  EXPECT_EQ(Run({"GEOADD", "Sicily", "NX", "1", "2", "Palermo", "3", "4", "new"}).integer, 1);
  EXPECT_EQ(Run({"ZSCORE", "Sicily", "Palermo"}).str, "3479099956230698");
  EXPECT_EQ(Run({"GEOADD", "Sicily", "XX", "CH", "1", "2", "Palermo", "5", "6", "other"}).integer,
            1);
  EXPECT_EQ(Run({"ZSCORE", "Sicily", "other"}).type, Reply::Type::kNil);
  EXPECT_EQ(Run({"GEOADD", "Sicily", "1", "2", "Palermo"}).integer, 0);
  EXPECT_EQ(Run({"GEOADD", "nokey", "XX", "1", "2", "a"}).integer, 0);
  EXPECT_EQ(Run({"EXISTS", "nokey"}).integer, 0);
}

TEST_F(GeoFamilyTest, AddErrorsBeforeAnyWrite) {
  EXPECT_TRUE(IsError(Run({"GEOADD", "k", "NX", "XX", "1", "2", "m"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"GEOADD", "k", "1", "2", "m", "3"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"GEOADD", "k", "CH", "CH", "CH"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"GEOADD", "k", "1", "2", "a", "181", "2", "b"}),
                      "ERR invalid longitude,latitude pair 181.000000,2.000000"));
  EXPECT_TRUE(IsError(Run({"GEOADD", "k", "1", "2", "a", "1", "x", "b"}),
                      "ERR value is not a valid float"));
  EXPECT_EQ(Run({"EXISTS", "k"}).integer, 0);
  Run({"SET", "s", "x"});
  EXPECT_TRUE(IsError(Run({"GEOADD", "s", "1", "2", "m"}),
                      "WRONGTYPE Operation against a key holding the wrong kind of value"));
}

TEST_F(GeoFamilyTest, PointReads) {
  AddSicily();
  EXPECT_EQ(Run({"GEODIST", "Sicily", "Palermo", "Catania"}).str, "166274.1516");
  EXPECT_EQ(Run({"GEODIST", "Sicily", "Palermo", "Catania", "km"}).str, "166.2742");
  EXPECT_EQ(Run({"GEODIST", "Sicily", "Palermo", "nobody"}).type, Reply::Type::kNil);
  EXPECT_EQ(Run({"GEODIST", "nokey", "a", "b"}).type, Reply::Type::kNil);
  EXPECT_TRUE(IsError(Run({"GEODIST", "Sicily", "Palermo", "Catania", "km", "x"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"GEODIST", "Sicily", "Palermo", "Catania", "au"}),
                      "ERR unsupported unit provided. please use M, KM, FT, MI"));
  EXPECT_EQ(Flat({"GEOHASH", "Sicily", "Palermo", "Catania"}),
            (Strs{"sqc8b49rny0", "sqdtr74hyu0"}));
  EXPECT_EQ(Wire({"GEOHASH", "Sicily", "nobody"}), "*1\r\n$-1\r\n");
  EXPECT_EQ(Wire({"GEOPOS", "Sicily", "Palermo", "nobody"}),
            "*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n");
  EXPECT_EQ(Wire({"GEOPOS", "nokey", "a"}), "*1\r\n*-1\r\n");
}

TEST_F(GeoFamilyTest, Resp3SendsCoordinatesAsDoubles) {
  AddSicily();
  Run({"HELLO", "3"});
  EXPECT_EQ(Wire({"GEOPOS", "Sicily", "Palermo", "nobody"}),
            "*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n");
  EXPECT_EQ(Wire({"GEOSEARCH", "Sicily", "FROMMEMBER", "Catania", "BYRADIUS", "1", "km", "WITHDIST",
                  "WITHHASH", "WITHCOORD"}),
            "*1\r\n*4\r\n$7\r\nCatania\r\n$6\r\n0.0000\r\n:3479447370796909\r\n"
            "*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n");
  EXPECT_EQ(Wire({"GEODIST", "Sicily", "Palermo", "Catania", "km"}), "$8\r\n166.2742\r\n");
}

TEST_F(GeoFamilyTest, SearchOrderCountAndAny) {
  AddSicily();
  Run({"GEOADD", "Sicily", "13.583333", "37.316667", "Agrigento"});
  Strs base = {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"};
  auto with = [&](Strs extra) {
    Strs argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return Flat(argv);
  };
  EXPECT_EQ(with({}), (Strs{"Agrigento", "Palermo", "Catania"}));  // cell order, then score
  EXPECT_EQ(with({"ASC"}), (Strs{"Catania", "Agrigento", "Palermo"}));
  EXPECT_EQ(with({"DESC", "COUNT", "2"}), (Strs{"Palermo", "Agrigento"}));
  EXPECT_EQ(with({"COUNT", "1"}), (Strs{"Catania"}));
  EXPECT_EQ(with({"COUNT", "1", "ANY"}), (Strs{"Agrigento"}));
  EXPECT_EQ(with({"COUNT", "2", "ANY", "DESC"}), (Strs{"Palermo", "Agrigento"}));
  EXPECT_EQ(with({"ASC", "WITHDIST"}),
            (Strs{"Catania", "56.4413", "Agrigento", "130.4235", "Palermo", "190.4424"}));
  EXPECT_EQ(Flat({"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "200", "200", "km"}),
            (Strs{"Catania"}));
  EXPECT_EQ(Flat({"GEORADIUS", "Sicily", "15", "37", "60", "mi", "WITHHASH"}),
            (Strs{"Catania", "3479447370796909"}));
  EXPECT_EQ(Flat({"GEORADIUSBYMEMBER_RO", "Sicily", "Agrigento", "100", "km"}),
            (Strs{"Agrigento", "Palermo"}));
  EXPECT_EQ(Run({"GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m"}).elements.size(),
            0u);
}

TEST_F(GeoFamilyTest, SearchErrors) {
  AddSicily();
  EXPECT_TRUE(
      IsError(Run({"GEOSEARCH", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"}),
              "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH"));
  EXPECT_TRUE(IsError(Run({"geosearchstore", "d", "Sicily", "FROMLONLAT", "1", "2", "ASC", "DESC"}),
                      "ERR exactly one of BYRADIUS and BYBOX can be specified for geosearchstore"));
  EXPECT_TRUE(IsError(Run({"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "2",
                           "BYRADIUS", "1", "km"}),
                      kSyntax));
  EXPECT_TRUE(IsError(Run({"GEOSEARCH", "Sicily", "FROMMEMBER", "x", "BYRADIUS", "1", "km"}),
                      "ERR could not decode requested zset member"));
  EXPECT_TRUE(
      IsError(Run({"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "ANY"}),
              "ERR the ANY argument requires COUNT argument"));
  EXPECT_TRUE(
      IsError(Run({"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "-1", "km"}),
              "ERR height or width cannot be negative"));
  EXPECT_TRUE(IsError(Run({"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0"}),
                      "ERR COUNT must be > 0"));
  EXPECT_TRUE(IsError(Run({"GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "d", "WITHDIST"}),
                      "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and "
                      "WITHCOORD options"));
  EXPECT_TRUE(
      IsError(Run({"GEORADIUS_RO", "Sicily", "15", "37", "1", "km", "STORE", "d"}), kSyntax));
  // Without the source key the member's radius is never read.
  EXPECT_EQ(Run({"GEORADIUSBYMEMBER", "nokey", "m", "abc", "km"}).elements.size(), 0u);
}

TEST_F(GeoFamilyTest, StoreFormsWriteTouchAndNotify) {
  AddSicily();
  WatchEvents();
  EXPECT_EQ(Run({"GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
                 "ASC", "STOREDIST"})
                .integer,
            2);
  EXPECT_EQ(Flat({"ZRANGE", "d", "0", "-1", "WITHSCORES"}),
            (Strs{"Catania", "56.441257870158204", "Palermo", "190.44242984775784"}));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "d"}).str, "listpack");
  EXPECT_EQ(Run({"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "e"}).integer, 2);
  EXPECT_EQ(Run({"ZSCORE", "e", "Palermo"}).str, "3479099956230698");
  EXPECT_EQ(Run({"GEORADIUS", "Sicily", "0", "0", "1", "km", "STORE", "e"}).integer, 0);
  EXPECT_EQ(Run({"EXISTS", "e"}).integer, 0);
  Run({"GEOADD", "Sicily", "NX", "1", "2", "Palermo"});
  EXPECT_EQ(Events(), (Strs{"geosearchstore d", "georadiusstore e", "del e"}));
  Run({"GEOADD", "Sicily", "1", "2", "Palermo"});
  EXPECT_EQ(Events(), (Strs{"zadd Sicily"}));

  EXPECT_TRUE(WatchBrokenBy({"GEOADD", "Sicily", "3", "4", "Palermo"}, "Sicily"));
  EXPECT_FALSE(WatchBrokenBy({"GEOADD", "Sicily", "3", "4", "Palermo"}, "Sicily"));
  EXPECT_TRUE(WatchBrokenBy(
      {"GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "Catania", "BYRADIUS", "1", "km"}, "d"));
  EXPECT_TRUE(WatchBrokenBy(
      {"GEOSEARCHSTORE", "d", "nokey", "FROMMEMBER", "Catania", "BYRADIUS", "1", "km"}, "d"));
  EXPECT_EQ(Run({"EXISTS", "d"}).integer, 0);
}

TEST_F(GeoFamilyTest, KeyPositions) {
  auto keys = [&](std::vector<std::string_view> argv) {
    return KeyPositions(*state_.commands.Find(argv[0]), argv);
  };
  EXPECT_EQ(keys({"georadius", "k", "1", "2", "3", "km", "STORE", "d"}), (std::vector<int>{1, 7}));
  EXPECT_EQ(keys({"georadiusbymember", "k", "m", "3", "km", "storedist", "d1", "STORE", "d2"}),
            (std::vector<int>{1, 8, 6}));
  EXPECT_EQ(keys({"georadius", "k", "1", "2", "3", "km", "STORE"}), (std::vector<int>{1}));
  EXPECT_EQ(keys({"geosearchstore", "d", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "km"}),
            (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace tandem::commands
