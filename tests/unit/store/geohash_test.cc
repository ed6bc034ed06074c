#include "server/store/geohash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "server/base/double_format.h"

// Every expected value below was read from redis-server 7.0.15 (ZSCORE, GEOPOS, GEOHASH, GEODIST,
// GEOSEARCH and error replies) for the same input.
namespace tandem::store::geo {
namespace {

// GEOPOS's text for a coordinate (Redis's "human" long double: %.17Lf without trailing zeros).
std::string PosText(double v) { return base::FormatLongDouble(v); }

// GEODIST's and WITHDIST's text: %.4f.
std::string DistText(double meters, double to_meters) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4f", meters / to_meters);
  return buf;
}

struct Place {
  const char* name;
  Point input;
  uint64_t score;         // ZSCORE after GEOADD
  const char* longitude;  // GEOPOS
  const char* latitude;   // GEOPOS
  const char* geohash;    // GEOHASH
};

const Place kPlaces[] = {
    {"Palermo",
     {13.361389, 38.115556},
     3479099956230698ULL,
     "13.36138933897018433",
     "38.11555639549629859",
     "sqc8b49rny0"},
    {"Catania",
     {15.087269, 37.502669},
     3479447370796909ULL,
     "15.08726745843887329",
     "37.50266842333162032",
     "sqdtr74hyu0"},
    {"south-west limit",
     {-180, -85.05112878},
     0,
     "-179.99999731779098511",
     "-85.05112751263942528",
     "00bh0hbj200"},
    // On the upper limits the cell index overflows past bit 52.
    {"north-east limit",
     {180, 85.05112878},
     13510798882111488ULL,
     "180",
     "85.0511287799999991",
     "bp05b5048p0"},
    {"origin",
     {0, 0},
     3377699720527872ULL,
     "0.00000268220901489",
     "0.00000126736058093",
     "s0000000000"},
    {"Oakland",
     {-122.27652, 37.805186},
     1367952638197536ULL,
     "-122.27652043104171753",
     "37.80518485897756165",
     "9q9p1d0znt0"},
    {"Tokyo",
     {139.6917, 35.6895},
     4171231230197045ULL,
     "139.69170123338699341",
     "35.68950126697937009",
     "xn774c06kt0"},
    {"London",
     {-0.1278, 51.5074},
     2163557714755072ULL,
     "-0.12779921293258667",
     "51.50740077990133159",
     "gcpvj0duq50"},
    {"Sydney",
     {151.2093, -33.8688},
     3252046221964352ULL,
     "151.20929986238479614",
     "-33.86880091934155956",
     "r3gx2f77bj0"},
    {"near the antimeridian", {179.999, 0}, 4128299658387490ULL, nullptr, nullptr, "xbpbpbp2080"},
};

TEST(GeohashTest, EncodeDecodeAndGeohashStringMatchRedis) {
  for (const Place& place : kPlaces) {
    SCOPED_TRACE(place.name);
    EXPECT_EQ(EncodeBits(place.input), place.score);
    EXPECT_EQ(EncodeScore(place.input), static_cast<double>(place.score));
    const double score = static_cast<double>(place.score);
    if (place.longitude != nullptr) {
      const Point p = DecodeScore(score);
      EXPECT_EQ(PosText(p.longitude), place.longitude);
      EXPECT_EQ(PosText(p.latitude), place.latitude);
    }
    EXPECT_EQ(GeohashString(score), place.geohash);
  }
}

TEST(GeohashTest, DecodeAcceptsAnyScoreAsRedisDoes) {
  // Scores ZADD can store that GEOADD never makes (GEOPOS / GEOHASH on such members).
  struct Case {
    double score;
    const char* longitude;
    const char* latitude;
    const char* geohash;
  };
  const double inf = std::numeric_limits<double>::infinity();
  const Case cases[] = {
      {-1, "180", "85.0511287799999991", "bp05b5048p0"},
      {inf, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200"},
      {-inf, "180", "-85.05112751263942528", "00bh0hbj200"},
      {1e19, "180", "85.0511287799999991", "bp05b5048p0"},
      {1152921504606846976.0, "-179.99999731779098511", "85.0511287799999991", "bp05b5048p0"},
      {5e15, "-127.13859289884567261", "85.0511287799999991", "cpjefghd8p0"},
      {1e30, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.score);
    const Point p = DecodeScore(c.score);
    EXPECT_EQ(PosText(p.longitude), c.longitude);
    EXPECT_EQ(PosText(p.latitude), c.latitude);
    EXPECT_EQ(GeohashString(c.score), c.geohash);
  }
}

TEST(GeohashTest, GeohashStringOfTheWestEdgeNearTheAntimeridian) {
  EXPECT_EQ(GeohashString(EncodeScore({-179.999, 0})), "80000008p20");
}

TEST(GeohashTest, DistancesMatchGeodist) {
  const auto at = [](Point p) { return DecodeScore(EncodeScore(p)); };
  const Point palermo = at({13.361389, 38.115556});
  const Point catania = at({15.087269, 37.502669});
  const double d = DistanceMeters(palermo, catania);
  EXPECT_EQ(DistText(d, 1), "166274.1516");
  EXPECT_EQ(DistText(d, *UnitToMeters("km")), "166.2742");
  EXPECT_EQ(DistText(d, *UnitToMeters("mi")), "103.3182");
  EXPECT_EQ(DistText(d, *UnitToMeters("ft")), "545518.8700");
  EXPECT_EQ(DistText(DistanceMeters(at({-0.1278, 51.5074}), at({139.6917, 35.6895})), 1000),
            "9561.4105");
  EXPECT_EQ(
      DistText(DistanceMeters(at({-122.27652, 37.805186}), at({151.2093, -33.8688})), 1609.34),
      "7433.8621");
  EXPECT_EQ(DistText(DistanceMeters(at({-180, -85.05112878}), at({180, 85.05112878})), 1),
            "18919844.5891");
  // Same longitude: the meridian shortcut.
  EXPECT_EQ(DistText(DistanceMeters(at({10, 10}), at({10, 20})), 1), "1112262.9623");
  EXPECT_EQ(DistText(DistanceMeters(at({-170, -80}), at({-170, 80})), 1000), "17796.2082");
  EXPECT_EQ(DistText(DistanceMeters(at({179.999, 0}), at({-179.999, 0})), 1), "222.5558");
  EXPECT_EQ(DistanceMeters(palermo, palermo), 0);
  // On one meridian Redis skips the haversine for the arc length itself.
  const double degree = std::numbers::pi / 180;
  EXPECT_EQ(DistanceMeters({10, 10}, {10, 20}),
            kEarthRadiusMeters * std::fabs(20 * degree - 10 * degree));
}

TEST(GeohashTest, ValidateLongLatUsesRedisLimitsAndText) {
  EXPECT_TRUE(ValidateLongLat(-180, -85.05112878).ok());
  EXPECT_TRUE(ValidateLongLat(180, 85.05112878).ok());
  EXPECT_TRUE(ValidateLongLat(13.361389, 38.115556).ok());
  const auto error = [](double lon, double lat) { return ValidateLongLat(lon, lat).message(); };
  EXPECT_EQ(error(200, 100), "ERR invalid longitude,latitude pair 200.000000,100.000000");
  EXPECT_EQ(error(13.361389, 85.06), "ERR invalid longitude,latitude pair 13.361389,85.060000");
  EXPECT_EQ(error(-180.0000001, 0), "ERR invalid longitude,latitude pair -180.000000,0.000000");
  EXPECT_EQ(error(0, -85.051129), "ERR invalid longitude,latitude pair 0.000000,-85.051129");
  EXPECT_EQ(ValidateLongLat(0, 90).code(), base::Status::Code::kInvalidArgument);
}

TEST(GeohashTest, UnitsAreCaseInsensitive) {
  EXPECT_EQ(*UnitToMeters("m"), 1);
  EXPECT_EQ(*UnitToMeters("KM"), 1000);
  EXPECT_EQ(*UnitToMeters("Ft"), 0.3048);
  EXPECT_EQ(*UnitToMeters("mI"), 1609.34);
  for (const char* bad : {"yd", "", "meters", "k"}) {
    auto unit = UnitToMeters(bad);
    ASSERT_FALSE(unit.ok()) << bad;
    EXPECT_EQ(unit.status().message(), "ERR unsupported unit provided. please use M, KM, FT, MI");
  }
}

TEST(GeohashTest, EstimateStep) {
  EXPECT_EQ(EstimateStep(0, 0), 26);
  EXPECT_EQ(EstimateStep(1e-9, 0), 26);  // clamped
  EXPECT_EQ(EstimateStep(1, 0), 24);
  EXPECT_EQ(EstimateStep(200000, 38), 6);
  EXPECT_EQ(EstimateStep(200000, 70), 5);   // beyond 66 degrees: one coarser
  EXPECT_EQ(EstimateStep(200000, -85), 4);  // beyond 80 degrees: two coarser
  EXPECT_EQ(EstimateStep(1e8, 0), 1);       // clamped
}

TEST(GeohashTest, ZeroRadiusScansOnlyTheCentreCell) {
  const Shape shape{Shape::Type::kRadius, {13.361389, 38.115556}, 0, 0, 0, 1};
  const std::vector<ScoreRange> ranges = SearchRanges(shape);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].min, 3479099956230698.0);
  EXPECT_EQ(ranges[0].max, 3479099956230699.0);
}

TEST(GeohashTest, HugeRadiusSkipsRepeatedNeighbours) {
  // Step 1: the map is 2 x 2 cells and (12, 5) is in the north-east one (bits 0b11). Its
  // neighbours N, S are both 0b10, E, W both 0b01 and the four diagonals all 0b00; each repeat of
  // the neighbour before it is skipped.
  const Shape shape{Shape::Type::kRadius, {12, 5}, 20000, 0, 0, 1000};
  const std::vector<ScoreRange> ranges = SearchRanges(shape);
  ASSERT_EQ(ranges.size(), 4u);
  const double cell = std::ldexp(1.0, 50);
  for (size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_EQ(ranges[i].min, (3 - i) * cell) << i;
    EXPECT_EQ(ranges[i].max, (4 - i) * cell) << i;
  }
}

TEST(GeohashTest, RangesArePrunedToTheBoundingBox) {
  // 50 km around Palermo (worked out by hand): step 8, whose cell around the centre spans
  // longitude [12.65625, 14.0625] and latitude [37.874, 38.539]; the search's bounding box is
  // [12.786, 13.936] x [37.666, 38.565]. The cell reaches past the box to the west and east, so
  // those five neighbours go, leaving centre, N and S.
  const Shape shape{Shape::Type::kRadius, {13.361389, 38.115556}, 50, 0, 0, 1000};
  EXPECT_EQ(EstimateStep(50000, 38.115556), 8);
  const std::vector<ScoreRange> ranges = SearchRanges(shape);
  ASSERT_EQ(ranges.size(), 3u);
  const double cell = std::ldexp(1.0, 52 - 16);
  for (const ScoreRange& r : ranges) EXPECT_EQ(r.max - r.min, cell);
  EXPECT_LE(ranges[0].min, EncodeScore(shape.centre));
  EXPECT_GT(ranges[0].max, EncodeScore(shape.centre));
  const Point centre = DecodeScore(ranges[0].min);
  const Point north = DecodeScore(ranges[1].min);
  const Point south = DecodeScore(ranges[2].min);
  EXPECT_NEAR(centre.longitude, 12.65625, 1e-5);
  EXPECT_NEAR(centre.latitude, 37.87433, 1e-5);
  EXPECT_EQ(north.longitude, centre.longitude);
  EXPECT_NEAR(north.latitude - centre.latitude, 38.53879 - 37.87433, 1e-5);
  EXPECT_EQ(south.longitude, centre.longitude);
  EXPECT_NEAR(centre.latitude - south.latitude, 38.53879 - 37.87433, 1e-5);
}

TEST(GeohashTest, SouthernBoundingBoxesWidenAtTheSouthEdge) {
  // 709.928 km around (13.5, -80), worked out by hand: step 2; the box's longitude extent is
  // measured at its southern edge, so only the northern neighbours are pruned (6 ranges). Measured
  // at the northern edge, as in the north, it would be narrower and keep only 4.
  const Shape shape{Shape::Type::kRadius, {13.5, -80}, 709.928, 0, 0, 1000};
  const std::vector<ScoreRange> ranges = SearchRanges(shape);
  ASSERT_EQ(ranges.size(), 6u);
  EXPECT_EQ(ranges[0].max - ranges[0].min, std::ldexp(1.0, 52 - 4));
}

TEST(GeohashTest, BoxMembershipTestsEachAxisSeparately) {
  // 200 km x 100 km around the origin: a point 90 km east is in, 60 km north is out.
  const Shape box{Shape::Type::kBox, {0, 0}, 0, 200, 100, 1000};
  const double km_per_degree = kEarthRadiusMeters * std::numbers::pi / 180 / 1000;
  const auto east = DistanceIfInShape(box, {90 / km_per_degree, 0});
  ASSERT_TRUE(east.has_value());
  EXPECT_NEAR(*east, 90000, 1e-3);
  EXPECT_FALSE(DistanceIfInShape(box, {0, 60 / km_per_degree}).has_value());
  EXPECT_FALSE(DistanceIfInShape(box, {101 / km_per_degree, 0}).has_value());
  // The corner lies farther than either half-side yet is inside.
  EXPECT_TRUE(DistanceIfInShape(box, {99 / km_per_degree, 49 / km_per_degree}).has_value());
  const Shape circle{Shape::Type::kRadius, {0, 0}, 100, 0, 0, 1000};
  EXPECT_FALSE(DistanceIfInShape(circle, {99 / km_per_degree, 49 / km_per_degree}).has_value());
  EXPECT_TRUE(DistanceIfInShape(circle, {0, 99 / km_per_degree}).has_value());
}

// The points added to Redis for the recorded GEOSEARCH results: clusters of pseudo-random points
// (a 64-bit LCG), named by index.
std::vector<Point> GeoSearchPoints() {
  struct Cluster {
    double longitude, latitude, spread;
    int count;
  };
  const Cluster clusters[] = {{13.361389, 38.115556, 3.0, 120}, {0.0, 0.0, 50.0, 150},
                              {20.0, 75.0, 25.0, 120},          {-58.4, -34.6, 40.0, 120},
                              {179.5, 10.0, 6.0, 100},          {170.0, 84.0, 15.0, 100},
                              {-120.0, 50.0, 0.02, 80},         {13.5, -78.0, 12.0, 150}};
  uint64_t state = 20240607;
  const auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  std::vector<Point> points;
  for (const Cluster& c : clusters) {
    for (int j = 0; j < c.count; ++j) {
      double lon = c.longitude + (static_cast<double>(next() % 2000001) / 1e6 - 1.0) * c.spread;
      const double lat =
          c.latitude + (static_cast<double>(next() % 2000001) / 1e6 - 1.0) * c.spread;
      if (lon > 180) lon -= 360;
      if (lon < -180) lon += 360;
      if (lat < kLatitudeMin || lat > kLatitudeMax) continue;
      points.push_back({lon, lat});
    }
  }
  return points;
}

struct SearchCase {
  Shape::Type type;
  double longitude, latitude, a, b;
  const char* unit;
  size_t count;
  const char* expected;
};

const SearchCase kSearchCases[] = {
#include "tests/unit/store/geohash_search_cases.inc"
};

TEST(GeohashTest, SearchRangesAndMembershipFindWhatRedisFinds) {
  const std::vector<Point> points = GeoSearchPoints();
  ASSERT_EQ(points.size(), 824u);
  // The sorted set: (score, index) in score order.
  std::vector<std::pair<double, size_t>> zset;
  for (size_t i = 0; i < points.size(); ++i) zset.emplace_back(EncodeScore(points[i]), i);
  std::sort(zset.begin(), zset.end());

  for (const SearchCase& c : kSearchCases) {
    Shape shape{c.type, {c.longitude, c.latitude}, 0, 0, 0, *UnitToMeters(c.unit)};
    if (c.type == Shape::Type::kRadius) {
      shape.radius = c.a;
    } else {
      shape.width = c.a;
      shape.height = c.b;
    }
    SCOPED_TRACE(testing::Message()
                 << (c.type == Shape::Type::kBox ? "box " : "radius ") << c.longitude << ","
                 << c.latitude << " " << c.a << " " << c.b << " " << c.unit);
    const std::vector<ScoreRange> ranges = SearchRanges(shape);
    ASSERT_FALSE(ranges.empty());
    ASSERT_LE(ranges.size(), 9u);
    std::vector<std::pair<size_t, std::string>> found;
    for (const ScoreRange& range : ranges) {
      auto it = std::lower_bound(zset.begin(), zset.end(), std::make_pair(range.min, size_t{0}));
      for (; it != zset.end() && it->first < range.max; ++it) {
        const auto distance = DistanceIfInShape(shape, DecodeScore(it->first));
        if (distance) found.emplace_back(it->second, DistText(*distance, shape.to_meters));
      }
    }
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found.size(), c.count);
    if (c.count == points.size()) continue;  // everything: recorded without the list
    std::string text;
    for (const auto& [index, distance] : found) {
      if (!text.empty()) text += ' ';
      text += std::to_string(index) + ":" + distance;
    }
    EXPECT_EQ(text, c.expected);
  }
}

}  // namespace
}  // namespace tandem::store::geo
