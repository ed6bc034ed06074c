#pragma once
// Geohash math behind the GEO commands, reproducing Redis 7.0's results bit for bit.
//
// A position is stored as a sorted-set score: a 52-bit geohash (step 26: 26 bits of longitude and
// 26 of latitude, interleaved with longitude in the odd bits) held exactly in a double. Latitude
// is limited to the Web Mercator range, so each step splits [-180,180] x [-85.05112878,
// 85.05112878]. Decoding returns the centre of the score's cell, which is what GEOPOS reports.
//
// Searches (GEORADIUS*, GEOSEARCH*) scan up to nine cells of a coarser step (the cell holding the
// centre and its eight neighbours) as score ranges, then keep the members that pass the shape's
// exact test. Like Redis, the cells do not always cover the whole shape for large areas; the
// ranges here are exactly Redis's, so the same members are found. Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace tandem::store::geo {

inline constexpr double kLongitudeMin = -180;
inline constexpr double kLongitudeMax = 180;
inline constexpr double kLatitudeMin = -85.05112878;
inline constexpr double kLatitudeMax = 85.05112878;
inline constexpr int kMaxStep = 26;  // bits per coordinate in a stored score
// Redis's earth radius for distances (the WGS-84 quadratic mean).
inline constexpr double kEarthRadiusMeters = 6372797.560856;

struct Point {
  double longitude = 0;
  double latitude = 0;
};

// Ok when (longitude, latitude) lies within the limits above (bounds included); otherwise
// InvalidArgument "ERR invalid longitude,latitude pair <lon>,<lat>" with both values printed as
// printf's "%f" (GEOADD, GEORADIUS, GEOSEARCH FROMLONLAT). NaN passes, as in Redis, whose number
// parsing rejects it first.
base::Status ValidateLongLat(double longitude, double latitude);

// The 52-bit geohash of a point within the limits (call ValidateLongLat first; points outside are
// the caller's bug). At exactly longitude 180 or latitude 85.05112878 the cell index overflows
// into bit 52 or 53, as in Redis.
uint64_t EncodeBits(Point p);
// EncodeBits as the sorted-set score GEOADD stores.
double EncodeScore(Point p);

// The centre of the cell of `score`, clamped to the limits (GEOPOS, and the centre used for
// GEODIST, FROMMEMBER and the search tests). Any double is accepted: it is converted to the 64-bit
// pattern the way Redis's x86-64 build does (-1 -> all ones, +inf -> 0, -inf and NaN -> 1 << 63).
Point DecodeScore(double score);

// GEOHASH's 11-character base32 string for `score`: the decoded centre re-encoded with latitude
// range [-90, 90]; ten characters from the 52 bits, the eleventh always '0'.
std::string GeohashString(double score);

// Great-circle distance in meters by Redis's haversine formula (GEODIST, WITHDIST).
double DistanceMeters(Point a, Point b);

// The size in meters of a unit name, case-insensitive: m 1, km 1000, ft 0.3048, mi 1609.34.
// Otherwise InvalidArgument "ERR unsupported unit provided. please use M, KM, FT, MI".
base::StatusOr<double> UnitToMeters(std::string_view unit);

// A search area as the command gave it. Sizes are in the command's unit and `to_meters` is that
// unit's size (UnitToMeters): Redis multiplies by it at each use, and the rounding of those
// products decides edge cases, so callers must not pre-convert.
struct Shape {
  enum class Type {
    kRadius,  // BYRADIUS / GEORADIUS*: `radius`
    kBox,     // BYBOX: `width` (east-west) x `height` (north-south), centred
  };
  Type type = Type::kRadius;
  Point centre;
  double radius = 0;
  double width = 0;
  double height = 0;
  double to_meters = 1;
};

// Scores min <= score < max of one cell.
struct ScoreRange {
  double min = 0;
  double max = 0;
};

// The step (bits per coordinate) Redis first picks for a search of `range_meters` around a point
// at `latitude`: 26 for 0, coarser for larger ranges and near the poles, within [1, 26].
int EstimateStep(double range_meters, double latitude);

// The score ranges to scan for `shape`, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW),
// without the neighbours Redis prunes as lying wholly outside the shape's bounding box and
// without a range equal to the one just before it (Redis's duplicate check, which matters for
// areas of thousands of kilometres). Between 1 and 9 ranges.
std::vector<ScoreRange> SearchRanges(const Shape& shape);

// Redis's exact membership test for a member at `p` (its decoded score): the distance in meters
// from the centre when `p` is in the shape, else nullopt. Radius: distance <= radius.
// Box: north-south distance <= height / 2 and east-west distance along p's latitude
// <= width / 2 (each in meters).
std::optional<double> DistanceIfInShape(const Shape& shape, Point p);

}  // namespace tandem::store::geo
