// Geo searches: GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO variants,
// one parser and one search shared by all, following Redis 7.0's georadiusGeneric step by step:
// the source key's type is checked first, then the options left to right (each parsed and checked
// as it is met), then the combination rules, and only then is a missing source answered.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/geo_family.h"
#include "server/commands/zset_family.h"
#include "server/store/geohash.h"
#include "server/store/zset_object.h"

namespace tandem::commands::geo {
namespace {

using store::ZSetObject;
namespace sg = store::geo;

constexpr std::string_view kUndecodableMember = "ERR could not decode requested zset member";
constexpr std::string_view kNeedNumericRadius = "ERR need numeric radius";
constexpr std::string_view kNegativeRadius = "ERR radius cannot be negative";
constexpr std::string_view kNeedNumericWidth = "ERR need numeric width";
constexpr std::string_view kNeedNumericHeight = "ERR need numeric height";
constexpr std::string_view kNegativeBox = "ERR height or width cannot be negative";
constexpr std::string_view kCountPositive = "ERR COUNT must be > 0";
constexpr std::string_view kAnyNeedsCount = "ERR the ANY argument requires COUNT argument";

// Which command is running.
enum Variant : uint8_t {
  kFromCoords = 1 << 0,   // GEORADIUS*: centre from argv[2..3], radius from argv[4..5]
  kFromMember = 1 << 1,   // GEORADIUSBYMEMBER*: centre from the member argv[2], radius argv[3..4]
  kNoStore = 1 << 2,      // the _RO variants: no STORE / STOREDIST
  kGeoSearch = 1 << 3,    // GEOSEARCH*: FROMMEMBER|FROMLONLAT and BYRADIUS|BYBOX options
  kSearchStore = 1 << 4,  // GEOSEARCHSTORE: argv[1] is the destination, STOREDIST a flag
};

enum class Sort : uint8_t { kNone, kAsc, kDesc };

// One member found in the shape.
struct Found {
  std::string member;
  double score;
  double distance;  // meters
  sg::Point point;  // the decoded score
};

// Parses a longitude and a latitude (GEOADD's rules); false after an error reply.
bool ParseLongLat(Context& ctx, size_t index, sg::Point* p) {
  auto longitude = base::ParseDouble(ctx.argv[index]);
  auto latitude = longitude ? base::ParseDouble(ctx.argv[index + 1]) : std::nullopt;
  if (!latitude) {
    ctx.Error(errors::kNotFloat);
    return false;
  }
  if (base::Status s = sg::ValidateLongLat(*longitude, *latitude); !s.ok()) {
    ctx.Error(s.message());
    return false;
  }
  *p = {*longitude, *latitude};
  return true;
}

// Parses a unit into its size in meters; false after an error reply.
bool ParseUnit(Context& ctx, std::string_view text, double* to_meters) {
  auto unit = sg::UnitToMeters(text);
  if (!unit.ok()) {
    ctx.Error(unit.status().message());
    return false;
  }
  *to_meters = *unit;
  return true;
}

// "radius unit" at `index`; false after an error reply.
bool ParseRadius(Context& ctx, size_t index, sg::Shape* shape) {
  auto radius = base::ParseDouble(ctx.argv[index]);
  if (!radius) {
    ctx.Error(kNeedNumericRadius);
    return false;
  }
  if (*radius < 0) {
    ctx.Error(kNegativeRadius);
    return false;
  }
  shape->type = sg::Shape::Type::kRadius;
  shape->radius = *radius;
  return ParseUnit(ctx, ctx.argv[index + 1], &shape->to_meters);
}

// "width height unit" at `index`; false after an error reply.
bool ParseBox(Context& ctx, size_t index, sg::Shape* shape) {
  auto width = base::ParseDouble(ctx.argv[index]);
  if (!width) {
    ctx.Error(kNeedNumericWidth);
    return false;
  }
  auto height = base::ParseDouble(ctx.argv[index + 1]);
  if (!height) {
    ctx.Error(kNeedNumericHeight);
    return false;
  }
  if (*width < 0 || *height < 0) {
    ctx.Error(kNegativeBox);
    return false;
  }
  shape->type = sg::Shape::Type::kBox;
  shape->width = *width;
  shape->height = *height;
  return ParseUnit(ctx, ctx.argv[index + 2], &shape->to_meters);
}

// The centre of a search from `member`; false after an error reply.
bool MemberCentre(Context& ctx, const ZSetObject& zset, std::string_view member, sg::Point* p) {
  auto score = zset.Score(member);
  if (!score) {
    ctx.Error(kUndecodableMember);
    return false;
  }
  *p = sg::DecodeScore(*score);
  return true;
}

// The members in `shape`, scanning its cells in Redis's order; stops once `limit` are found (0:
// no limit; COUNT with ANY).
std::vector<Found> MembersInShape(const ZSetObject& zset, const sg::Shape& shape, size_t limit) {
  std::vector<Found> found;
  for (const sg::ScoreRange& cell : sg::SearchRanges(shape)) {
    store::ScoreRange range{cell.min, cell.max, false, true};
    zset.Visit(zset.RanksInScoreRange(range), false, [&](std::string_view member, double score) {
      sg::Point p = sg::DecodeScore(score);
      if (auto distance = sg::DistanceIfInShape(shape, p)) {
        found.push_back({std::string(member), score, *distance, p});
      }
      return limit == 0 || found.size() < limit;
    });
    if (limit != 0 && found.size() >= limit) break;
  }
  return found;
}

void ReplyDistance(resp::ReplyBuilder& r, double distance) {
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.4f", distance);
  r.Bulk(std::string_view(buf, static_cast<size_t>(n)));
}

void SearchGeneric(Context& ctx, size_t src_index, uint8_t variant) {
  ZSetObject* zset = zset::Lookup(ctx, ctx.argv[src_index]);
  if (ctx.failed) return;

  std::optional<std::string_view> store_key;
  if (variant & kSearchStore) store_key = ctx.argv[1];
  bool store_dist = false;
  sg::Shape shape;
  size_t base_args;
  if (variant & kFromCoords) {
    base_args = 6;
    if (!ParseLongLat(ctx, 2, &shape.centre) || !ParseRadius(ctx, 4, &shape)) return;
  } else if (variant & kFromMember) {
    base_args = 5;
    // Without a source there is no member to find: Redis goes on parsing the options only, so
    // that the reply fits STORE, and does not look at the radius.
    if (zset != nullptr &&
        (!MemberCentre(ctx, *zset, ctx.argv[2], &shape.centre) || !ParseRadius(ctx, 3, &shape))) {
      return;
    }
  } else {
    base_args = (variant & kSearchStore) ? 3 : 2;
  }

  bool withdist = false, withhash = false, withcoord = false, any = false;
  bool frommember = false, fromlonlat = false, byradius = false, bybox = false;
  Sort sort = Sort::kNone;
  int64_t count = 0;
  const bool radius_store = !(variant & (kNoStore | kGeoSearch));
  const bool geosearch = variant & kGeoSearch;
  const size_t argc = ctx.argv.size();
  for (size_t i = base_args; i < argc; ++i) {
    std::string_view arg = ctx.argv[i];
    size_t left = argc - i - 1;  // arguments after this one
    if (base::EqualsIgnoreCase(arg, "withdist")) {
      withdist = true;
    } else if (base::EqualsIgnoreCase(arg, "withhash")) {
      withhash = true;
    } else if (base::EqualsIgnoreCase(arg, "withcoord")) {
      withcoord = true;
    } else if (base::EqualsIgnoreCase(arg, "any")) {
      any = true;
    } else if (base::EqualsIgnoreCase(arg, "asc")) {
      sort = Sort::kAsc;
    } else if (base::EqualsIgnoreCase(arg, "desc")) {
      sort = Sort::kDesc;
    } else if (base::EqualsIgnoreCase(arg, "count") && left >= 1) {
      auto n = base::ParseInt64(ctx.argv[++i]);
      if (!n) return ctx.Error(errors::kNotInteger);
      if (*n <= 0) return ctx.Error(kCountPositive);
      count = *n;
    } else if (base::EqualsIgnoreCase(arg, "store") && left >= 1 && radius_store) {
      store_key = ctx.argv[++i];
      store_dist = false;
    } else if (base::EqualsIgnoreCase(arg, "storedist") && left >= 1 && radius_store) {
      store_key = ctx.argv[++i];
      store_dist = true;
    } else if (base::EqualsIgnoreCase(arg, "storedist") && (variant & kSearchStore)) {
      store_dist = true;
    } else if (base::EqualsIgnoreCase(arg, "frommember") && left >= 1 && geosearch && !fromlonlat) {
      ++i;
      if (zset != nullptr && !MemberCentre(ctx, *zset, ctx.argv[i], &shape.centre)) return;
      frommember = true;
    } else if (base::EqualsIgnoreCase(arg, "fromlonlat") && left >= 2 && geosearch && !frommember) {
      if (!ParseLongLat(ctx, i + 1, &shape.centre)) return;
      fromlonlat = true;
      i += 2;
    } else if (base::EqualsIgnoreCase(arg, "byradius") && left >= 2 && geosearch && !bybox) {
      if (!ParseRadius(ctx, i + 1, &shape)) return;
      byradius = true;
      i += 2;
    } else if (base::EqualsIgnoreCase(arg, "bybox") && left >= 3 && geosearch && !byradius) {
      if (!ParseBox(ctx, i + 1, &shape)) return;
      bybox = true;
      i += 3;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }

  if (store_key && (withdist || withhash || withcoord)) {
    return ctx.Error(std::string("ERR ") +
                     ((variant & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
                     " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
  }
  // These two name the command as the client spelled it.
  if (geosearch && !frommember && !fromlonlat) {
    return ctx.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                     std::string(ctx.argv[0]));
  }
  if (geosearch && !byradius && !bybox) {
    return ctx.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
                     std::string(ctx.argv[0]));
  }
  if (any && count == 0) return ctx.Error(kAnyNeedsCount);

  if (zset == nullptr) {
    if (store_key) {
      zset::StoreResult(ctx, *store_key, std::make_unique<ZSetObject>(zset::Limits(ctx)), {});
    } else {
      ctx.reply().ArrayHeader(0);
    }
    return;
  }

  // COUNT keeps the nearest members, so it implies ASC unless ANY asked for any members.
  if (count != 0 && sort == Sort::kNone && !any) sort = Sort::kAsc;
  std::vector<Found> found = MembersInShape(*zset, shape, any ? static_cast<size_t>(count) : 0);
  if (sort == Sort::kAsc) {
    std::stable_sort(found.begin(), found.end(),
                     [](const Found& a, const Found& b) { return a.distance < b.distance; });
  } else if (sort == Sort::kDesc) {
    std::stable_sort(found.begin(), found.end(),
                     [](const Found& a, const Found& b) { return a.distance > b.distance; });
  }
  size_t returned = found.size();
  if (count != 0 && static_cast<uint64_t>(count) < returned) returned = static_cast<size_t>(count);

  if (!store_key) {
    resp::ReplyBuilder& r = ctx.reply();
    size_t extras = size_t{withdist} + size_t{withhash} + size_t{withcoord};
    r.ArrayHeader(returned);
    for (size_t i = 0; i < returned; ++i) {
      const Found& f = found[i];
      if (extras != 0) r.ArrayHeader(extras + 1);
      r.Bulk(f.member);
      if (withdist) ReplyDistance(r, f.distance / shape.to_meters);
      // The 52-bit score is an exact integer.
      if (withhash) r.Integer(static_cast<int64_t>(f.score));
      if (withcoord) {
        r.ArrayHeader(2);
        ReplyCoordinate(r, f.point.longitude);
        ReplyCoordinate(r, f.point.latitude);
      }
    }
    return;
  }

  store::ZSetLimits limits = zset::Limits(ctx);
  auto result = std::make_unique<ZSetObject>(limits);
  for (size_t i = 0; i < returned; ++i) {
    const Found& f = found[i];
    result->Add(f.member, store_dist ? f.distance / shape.to_meters : f.score, ZSetObject::kNone,
                limits);
  }
  // Redis counts one change per stored member; StoreResult counts one.
  if (returned > 1) ctx.Dirty(returned - 1);
  zset::StoreResult(ctx, *store_key, std::move(result),
                    geosearch ? "geosearchstore" : "georadiusstore");
}

}  // namespace

// GEOSEARCH key FROMMEMBER member|FROMLONLAT lon lat BYRADIUS r unit|BYBOX w h unit [ASC|DESC]
//   [COUNT n [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
void GeoSearch(Context& ctx) { SearchGeneric(ctx, 1, kGeoSearch); }
// GEOSEARCHSTORE destination source ...GEOSEARCH's options... [STOREDIST]
void GeoSearchStore(Context& ctx) { SearchGeneric(ctx, 2, kGeoSearch | kSearchStore); }
// GEORADIUS key lon lat radius unit [WITH...] [COUNT n [ANY]] [ASC|DESC] [STORE k] [STOREDIST k]
void GeoRadius(Context& ctx) { SearchGeneric(ctx, 1, kFromCoords); }
void GeoRadiusRo(Context& ctx) { SearchGeneric(ctx, 1, kFromCoords | kNoStore); }
// GEORADIUSBYMEMBER key member radius unit [options as GEORADIUS]
void GeoRadiusByMember(Context& ctx) { SearchGeneric(ctx, 1, kFromMember); }
void GeoRadiusByMemberRo(Context& ctx) { SearchGeneric(ctx, 1, kFromMember | kNoStore); }

}  // namespace tandem::commands::geo
