#include "server/store/geohash.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "server/base/ascii_case.h"

namespace tandem::store::geo {
namespace {

// Degrees to radians, the same double Redis uses (pi / 180 rounded once).
constexpr double kDegToRad = std::numbers::pi / 180.0;
// Ranges below this many meters get a finer step (the Mercator half-circumference).
constexpr double kMercatorMax = 20037726.37;
constexpr uint64_t kEvenBits = 0x5555555555555555ULL;

struct Range {
  double min;
  double max;
};
constexpr Range kLongitudeRange{kLongitudeMin, kLongitudeMax};
constexpr Range kLatitudeRange{kLatitudeMin, kLatitudeMax};
// The range of standard geohash strings (GEOHASH), not of stored scores.
constexpr Range kStandardLatitudeRange{-90, 90};

// A geohash cell: 2 * step interleaved bits (longitude odd, latitude even), except that an index
// of exactly 2^step (a point on the upper limit) carries past them, as in Redis.
struct Cell {
  uint64_t bits = 0;
  int step = 0;
};

// The cell's extent in degrees.
struct Area {
  Range longitude;
  Range latitude;
};

double DegToRad(double degrees) { return degrees * kDegToRad; }
double RadToDeg(double radians) { return radians / kDegToRad; }

// Moves the low 32 bits of `v` to the even bit positions (bit i to bit 2i).
uint64_t Spread(uint64_t v) {
  v &= 0xFFFFFFFFULL;
  v = (v | (v << 16)) & 0x0000FFFF0000FFFFULL;
  v = (v | (v << 8)) & 0x00FF00FF00FF00FFULL;
  v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  v = (v | (v << 2)) & 0x3333333333333333ULL;
  v = (v | (v << 1)) & kEvenBits;
  return v;
}

// The inverse of Spread: gathers the even bits of `v` into its low 32 bits.
uint32_t Gather(uint64_t v) {
  v &= kEvenBits;
  v = (v | (v >> 1)) & 0x3333333333333333ULL;
  v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  v = (v | (v >> 4)) & 0x00FF00FF00FF00FFULL;
  v = (v | (v >> 8)) & 0x0000FFFF0000FFFFULL;
  v = (v | (v >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(v);
}

uint64_t Interleave(uint32_t latitude_index, uint32_t longitude_index) {
  return Spread(latitude_index) | (Spread(longitude_index) << 1);
}

// The cell of `p` at `step`; `p` must lie within both ranges.
Cell Encode(Point p, Range longitude, Range latitude, int step) {
  const double cells = static_cast<double>(1ULL << step);
  const double lat_offset = (p.latitude - latitude.min) / (latitude.max - latitude.min) * cells;
  const double lon_offset = (p.longitude - longitude.min) / (longitude.max - longitude.min) * cells;
  return Cell{Interleave(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(lon_offset)),
              step};
}

Area Decode(Cell cell) {
  const uint32_t lat_index = Gather(cell.bits);
  const uint32_t lon_index = Gather(cell.bits >> 1);
  const double cells = static_cast<double>(1ULL << cell.step);
  const double lat_scale = kLatitudeRange.max - kLatitudeRange.min;
  const double lon_scale = kLongitudeRange.max - kLongitudeRange.min;
  // index + 1 wraps at 2^32 as Redis's 32-bit arithmetic does (only for out-of-range scores).
  const auto edge = [cells](uint32_t index, Range range, double scale) {
    return range.min + (index * 1.0 / cells) * scale;
  };
  return Area{
      {edge(lon_index, kLongitudeRange, lon_scale),
       edge(static_cast<uint32_t>(lon_index + 1), kLongitudeRange, lon_scale)},
      {edge(lat_index, kLatitudeRange, lat_scale),
       edge(static_cast<uint32_t>(lat_index + 1), kLatitudeRange, lat_scale)},
  };
}

// The neighbouring cell `dx` columns east and `dy` rows north (each -1, 0 or 1), wrapping at the
// edges of the map. A moved coordinate is reduced to `step` bits; the other keeps all its bits.
Cell Move(Cell cell, int dx, int dy) {
  const uint64_t mask = (1ULL << cell.step) - 1;
  uint64_t lat_part = cell.bits & kEvenBits;
  uint64_t lon_part = cell.bits & ~kEvenBits;
  if (dx != 0) lon_part = Spread((Gather(cell.bits >> 1) + dx) & mask) << 1;
  if (dy != 0) lat_part = Spread((Gather(cell.bits) + dy) & mask);
  return Cell{lon_part | lat_part, cell.step};
}

// The score ranges of a cell: every 52-bit hash that starts with the cell's bits.
ScoreRange ScoresOf(Cell cell) {
  const int shift = 2 * (kMaxStep - cell.step);
  return ScoreRange{static_cast<double>(cell.bits << shift),
                    static_cast<double>((cell.bits + 1) << shift)};
}

// x86-64's double to uint64_t conversion, which Redis relies on when it turns any score into
// hash bits: below 2^63 a signed truncation (out of range and NaN give 1 << 63); from 2^63 on,
// 2^63 is taken off first and the top bit flipped afterwards.
uint64_t ScoreToBits(double score) {
  constexpr double kTwo63 = 9223372036854775808.0;
  constexpr uint64_t kTopBit = 1ULL << 63;
  const auto truncate = [](double d) -> uint64_t {
    if (d >= -kTwo63 && d < kTwo63) return static_cast<uint64_t>(static_cast<int64_t>(d));
    return kTopBit;
  };
  if (score >= kTwo63) return truncate(score - kTwo63) ^ kTopBit;
  return truncate(score);
}

// Distance along a meridian between two latitudes.
double LatitudeDistance(double lat1, double lat2) {
  return kEarthRadiusMeters * std::fabs(DegToRad(lat2) - DegToRad(lat1));
}

double Haversine(double lon1, double lat1, double lon2, double lat2) {
  const double v = std::sin((DegToRad(lon2) - DegToRad(lon1)) / 2);
  // Same longitude: the formula reduces to the meridian distance, which Redis computes directly.
  if (v == 0.0) return LatitudeDistance(lat1, lat2);
  const double lat1r = DegToRad(lat1);
  const double lat2r = DegToRad(lat2);
  const double u = std::sin((lat2r - lat1r) / 2);
  const double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

// The shape's bounding box in degrees. East-west extents are measured at the box edge nearer the
// pole, where a degree of longitude is shortest.
Area BoundingBox(const Shape& shape) {
  const bool circle = shape.type == Shape::Type::kRadius;
  const double half_height = shape.to_meters * (circle ? shape.radius : shape.height / 2);
  const double half_width = shape.to_meters * (circle ? shape.radius : shape.width / 2);
  const double lon = shape.centre.longitude;
  const double lat = shape.centre.latitude;
  const double lat_delta = RadToDeg(half_height / kEarthRadiusMeters);
  const double polar_edge = lat < 0 ? lat - lat_delta : lat + lat_delta;
  const double lon_delta =
      RadToDeg(half_width / kEarthRadiusMeters / std::cos(DegToRad(polar_edge)));
  return Area{{lon - lon_delta, lon + lon_delta}, {lat - lat_delta, lat + lat_delta}};
}

}  // namespace

base::Status ValidateLongLat(double longitude, double latitude) {
  if (!(longitude < kLongitudeMin || longitude > kLongitudeMax || latitude < kLatitudeMin ||
        latitude > kLatitudeMax)) {
    return base::Status::Ok();
  }
  const char* format = "ERR invalid longitude,latitude pair %f,%f";
  std::string message(std::snprintf(nullptr, 0, format, longitude, latitude), '\0');
  std::snprintf(message.data(), message.size() + 1, format, longitude, latitude);
  return base::Status::InvalidArgument(std::move(message));
}

uint64_t EncodeBits(Point p) { return Encode(p, kLongitudeRange, kLatitudeRange, kMaxStep).bits; }

double EncodeScore(Point p) { return static_cast<double>(EncodeBits(p)); }

Point DecodeScore(double score) {
  const Area area = Decode(Cell{ScoreToBits(score), kMaxStep});
  const double lon = (area.longitude.min + area.longitude.max) / 2;
  const double lat = (area.latitude.min + area.latitude.max) / 2;
  return Point{std::clamp(lon, kLongitudeMin, kLongitudeMax),
               std::clamp(lat, kLatitudeMin, kLatitudeMax)};
}

std::string GeohashString(double score) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  const uint64_t bits =
      Encode(DecodeScore(score), kLongitudeRange, kStandardLatitudeRange, kMaxStep).bits;
  std::string out(11, '0');  // 52 bits make ten characters; the eleventh stays '0'
  for (int i = 0; i < 10; ++i) out[i] = kAlphabet[(bits >> (2 * kMaxStep - 5 * (i + 1))) & 0x1f];
  return out;
}

double DistanceMeters(Point a, Point b) {
  return Haversine(a.longitude, a.latitude, b.longitude, b.latitude);
}

base::StatusOr<double> UnitToMeters(std::string_view unit) {
  if (base::EqualsIgnoreCase(unit, "m")) return 1.0;
  if (base::EqualsIgnoreCase(unit, "km")) return 1000.0;
  if (base::EqualsIgnoreCase(unit, "ft")) return 0.3048;
  if (base::EqualsIgnoreCase(unit, "mi")) return 1609.34;
  return base::Status::InvalidArgument("ERR unsupported unit provided. please use M, KM, FT, MI");
}

int EstimateStep(double range_meters, double latitude) {
  if (range_meters == 0) return kMaxStep;
  int step = 1;
  for (; range_meters < kMercatorMax; range_meters *= 2) ++step;
  step -= 2;  // one level coarser than the range needs, so nine cells cover it in most cases
  // Longitude degrees shrink towards the poles.
  if (latitude > 66 || latitude < -66) {
    --step;
    if (latitude > 80 || latitude < -80) --step;
  }
  return std::clamp(step, 1, kMaxStep);
}

std::vector<ScoreRange> SearchRanges(const Shape& shape) {
  const Area bounds = BoundingBox(shape);
  const double half_width = shape.width / 2;
  const double half_height = shape.height / 2;
  const double range_meters =
      shape.to_meters * (shape.type == Shape::Type::kRadius
                             ? shape.radius
                             : std::sqrt(half_width * half_width + half_height * half_height));
  int step = EstimateStep(range_meters, shape.centre.latitude);

  // A coarser step when a direct neighbour does not reach the bounding box's edge.
  Cell centre = Encode(shape.centre, kLongitudeRange, kLatitudeRange, step);
  if (step > 1 && (Decode(Move(centre, 0, 1)).latitude.max < bounds.latitude.max ||
                   Decode(Move(centre, 0, -1)).latitude.min > bounds.latitude.min ||
                   Decode(Move(centre, 1, 0)).longitude.max < bounds.longitude.max ||
                   Decode(Move(centre, -1, 0)).longitude.min > bounds.longitude.min)) {
    --step;
    centre = Encode(shape.centre, kLongitudeRange, kLatitudeRange, step);
  }

  // Redis's scan order: centre, N, S, E, W, NE, NW, SE, SW.
  static constexpr std::array<std::array<int, 2>, 9> kOffsets = {
      {{0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}}};
  // A side of neighbours is skipped when the centre cell already reaches past the bounding box on
  // that side (not at step 1, where the whole map is four cells).
  const Area area = Decode(centre);
  const bool prune = step >= 2;
  const bool skip_south = prune && area.latitude.min < bounds.latitude.min;
  const bool skip_north = prune && area.latitude.max > bounds.latitude.max;
  const bool skip_west = prune && area.longitude.min < bounds.longitude.min;
  const bool skip_east = prune && area.longitude.max > bounds.longitude.max;

  std::vector<ScoreRange> ranges;
  uint64_t last_bits = 0;
  for (const auto& [dx, dy] : kOffsets) {
    if ((dy < 0 && skip_south) || (dy > 0 && skip_north) || (dx < 0 && skip_west) ||
        (dx > 0 && skip_east)) {
      continue;
    }
    const Cell cell = Move(centre, dx, dy);
    // Large areas can make adjacent neighbours the same cell. (A neighbour never equals the
    // centre, so comparing with the centre too, which Redis does not, changes nothing.)
    if (!ranges.empty() && cell.bits == last_bits) continue;
    ranges.push_back(ScoresOf(cell));
    last_bits = cell.bits;
  }
  return ranges;
}

std::optional<double> DistanceIfInShape(const Shape& shape, Point p) {
  const Point& c = shape.centre;
  if (shape.type == Shape::Type::kRadius) {
    const double distance = DistanceMeters(c, p);
    if (distance > shape.radius * shape.to_meters) return std::nullopt;
    return distance;
  }
  // Box: the cheap north-south test first, then east-west along the member's latitude.
  if (LatitudeDistance(p.latitude, c.latitude) > shape.height * shape.to_meters / 2) {
    return std::nullopt;
  }
  if (Haversine(p.longitude, p.latitude, c.longitude, p.latitude) >
      shape.width * shape.to_meters / 2) {
    return std::nullopt;
  }
  return DistanceMeters(c, p);
}

}  // namespace tandem::store::geo
