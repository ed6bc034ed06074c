// Geo commands: GEOADD, GEODIST, GEOHASH, GEOPOS and the command table of the whole family (the
// searches are in geo_search.cc). A geo value is a sorted set (store::ZSetObject) whose scores are
// geohashes (store::geo, geohash.h); GEOADD writes it as ZADD would, notifications included.

#include "server/commands/geo_family.h"

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/double_format.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/object_access.h"
#include "server/commands/zset_family.h"
#include "server/config/keyspace_events.h"
#include "server/store/geohash.h"
#include "server/store/zset_object.h"

namespace tandem::commands {

namespace geo {

void ReplyCoordinate(resp::ReplyBuilder& r, double value) {
  std::string text = base::FormatLongDouble(value);
  if (r.protocol() == 2) {
    r.Bulk(text);
    return;
  }
  r.Raw(",");
  r.Raw(text);
  r.Raw("\r\n");
}

namespace {

// The source key, then the argument after the first STORE and after the first STOREDIST found at
// `from` or later (each keyword needs an argument after it).
void KeysWithStore(std::span<const std::string_view> argv, size_t from, std::vector<int>* keys) {
  keys->push_back(1);
  for (std::string_view keyword : {"store", "storedist"}) {
    for (size_t i = from; i + 1 < argv.size(); ++i) {
      if (base::EqualsIgnoreCase(argv[i], keyword)) {
        keys->push_back(static_cast<int>(i + 1));
        break;
      }
    }
  }
}

}  // namespace

void RadiusKeys(std::span<const std::string_view> argv, std::vector<int>* keys) {
  KeysWithStore(argv, 6, keys);
}

void RadiusByMemberKeys(std::span<const std::string_view> argv, std::vector<int>* keys) {
  KeysWithStore(argv, 5, keys);
}

}  // namespace geo

namespace {

using store::ZSetObject;
namespace ke = config::keyspace_event;
namespace sg = store::geo;

// GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
// Redis runs it as ZADD with the geohash scores: the same reply, conditions and "zadd" event.
void GeoAdd(Context& ctx) {
  uint8_t flags = ZSetObject::kNone;
  bool ch = false;
  size_t i = 2;
  for (; i < ctx.argv.size(); ++i) {
    std::string_view opt = ctx.argv[i];
    if (base::EqualsIgnoreCase(opt, "nx")) {
      flags |= ZSetObject::kNx;
    } else if (base::EqualsIgnoreCase(opt, "xx")) {
      flags |= ZSetObject::kXx;
    } else if (base::EqualsIgnoreCase(opt, "ch")) {
      ch = true;
    } else {
      break;
    }
  }
  size_t args = ctx.argv.size() - i;
  bool nx = flags & ZSetObject::kNx, xx = flags & ZSetObject::kXx;
  // Redis refuses NX with XX, and no triple at all (ZADD's check), as a plain syntax error.
  if (args == 0 || args % 3 != 0 || (nx && xx)) return ctx.Error(errors::kSyntax);

  std::vector<double> scores;
  scores.reserve(args / 3);
  for (size_t j = i; j < ctx.argv.size(); j += 3) {
    auto longitude = base::ParseDouble(ctx.argv[j]);
    auto latitude = longitude ? base::ParseDouble(ctx.argv[j + 1]) : std::nullopt;
    if (!latitude) return ctx.Error(errors::kNotFloat);
    if (base::Status s = sg::ValidateLongLat(*longitude, *latitude); !s.ok()) {
      return ctx.Error(s.message());
    }
    scores.push_back(sg::EncodeScore({*longitude, *latitude}));
  }

  std::string_view key = ctx.argv[1];
  ZSetObject* zset = FindObjectForUpdate<ZSetObject>(ctx, key, store::ValueType::kZSet);
  if (ctx.failed) return;
  int64_t added = 0, updated = 0;
  if (zset != nullptr || !xx) {
    store::ZSetLimits limits = zset::Limits(ctx);
    if (zset == nullptr) zset = AddObject(ctx, key, std::make_unique<ZSetObject>(limits));
    for (size_t j = 0; j < scores.size(); ++j) {
      auto result = zset->Add(ctx.argv[i + 3 * j + 2], scores[j], flags, limits);
      added += result.outcome == ZSetObject::AddOutcome::kAdded;
      updated += result.outcome == ZSetObject::AddOutcome::kUpdated;
    }
    ctx.Dirty(added + updated);
  }
  ctx.reply().Integer(ch ? added + updated : added);
  if (added + updated > 0) {
    ctx.Touched(key);
    ctx.Notify(ke::kZset, "zadd", key);
  }
}

// GEODIST key member1 member2 [M|KM|FT|MI]: the distance as "%.4f", or nil when the key or a
// member is missing. The unit is checked before the key.
void GeoDist(Context& ctx) {
  double to_meters = 1;
  if (ctx.argv.size() == 5) {
    auto unit = sg::UnitToMeters(ctx.argv[4]);
    if (!unit.ok()) return ctx.Error(unit.status().message());
    to_meters = *unit;
  } else if (ctx.argv.size() > 5) {
    return ctx.Error(errors::kSyntax);
  }
  ZSetObject* zset = zset::Lookup(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  if (zset == nullptr) return ctx.reply().Null();
  auto a = zset->Score(ctx.argv[2]);
  auto b = zset->Score(ctx.argv[3]);
  if (!a || !b) return ctx.reply().Null();
  double meters = sg::DistanceMeters(sg::DecodeScore(*a), sg::DecodeScore(*b));
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.4f", meters / to_meters);
  ctx.reply().Bulk(std::string_view(buf, static_cast<size_t>(n)));
}

// GEOHASH key [member ...]: an 11-character geohash per member, nil for a missing one.
void GeoHash(Context& ctx) {
  ZSetObject* zset = zset::Lookup(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    auto score = zset != nullptr ? zset->Score(ctx.argv[i]) : std::nullopt;
    if (score) {
      r.Bulk(sg::GeohashString(*score));
    } else {
      r.Null();
    }
  }
}

// GEOPOS key [member ...]: [longitude, latitude] per member (its cell's centre), a null array for a
// missing one.
void GeoPos(Context& ctx) {
  ZSetObject* zset = zset::Lookup(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    auto score = zset != nullptr ? zset->Score(ctx.argv[i]) : std::nullopt;
    if (!score) {
      r.NullArray();
      continue;
    }
    sg::Point p = sg::DecodeScore(*score);
    r.ArrayHeader(2);
    geo::ReplyCoordinate(r, p.longitude);
    geo::ReplyCoordinate(r, p.latitude);
  }
}

}  // namespace

void RegisterGeoCommands(CommandTable& table) {
  constexpr std::string_view kGroup = "geo";
  constexpr uint64_t kAcl = kAclGeo;
  constexpr std::string_view kRadiusSummary =
      "Query a sorted set representing a geospatial index to fetch members matching a given "
      "maximum distance from a point";
  constexpr std::string_view kByMemberSummary =
      "Query a sorted set representing a geospatial index to fetch members matching a given "
      "maximum distance from a member";
  table.Register({
      {"geoadd", -5, kWrite | kDenyOom, 1, 1, 1, kAcl, GeoAdd, kGroup,
       "Add one or more geospatial items in the geospatial index represented using a sorted set",
       "3.2.0", "RW UPDATE"},
      {"geodist", -4, kReadonly, 1, 1, 1, kAcl, GeoDist, kGroup,
       "Returns the distance between two members of a geospatial index", "3.2.0", "RO ACCESS"},
      {"geohash", -2, kReadonly, 1, 1, 1, kAcl, GeoHash, kGroup,
       "Returns members of a geospatial index as standard geohash strings", "3.2.0", "RO ACCESS"},
      {"geopos", -2, kReadonly, 1, 1, 1, kAcl, GeoPos, kGroup,
       "Returns longitude and latitude of members of a geospatial index", "3.2.0", "RO ACCESS"},
      {"geosearch", -7, kReadonly, 1, 1, 1, kAcl, geo::GeoSearch, kGroup,
       "Query a sorted set representing a geospatial index to fetch members inside an area of a "
       "box or a circle.",
       "6.2.0", "RO ACCESS"},
      // Two keys with different key specs; key_flags holds the first (destination) key's.
      {"geosearchstore", -8, kWrite | kDenyOom, 1, 2, 1, kAcl, geo::GeoSearchStore, kGroup,
       "Query a sorted set representing a geospatial index to fetch members inside an area of a "
       "box or a circle, and store the result in another key.",
       "6.2.0", "OW UPDATE"},
      // STORE makes GEORADIUS and GEORADIUSBYMEMBER writes; key_flags holds the source key's.
      {.name = "georadius",
       .arity = -6,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = kAcl,
       .handler = geo::GeoRadius,
       .group = kGroup,
       .summary = kRadiusSummary,
       .since = "3.2.0",
       .key_flags = "RO ACCESS",
       .key_finder = geo::RadiusKeys},
      {.name = "georadiusbymember",
       .arity = -5,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = kAcl,
       .handler = geo::GeoRadiusByMember,
       .group = kGroup,
       .summary = kByMemberSummary,
       .since = "3.2.0",
       .key_flags = "RO ACCESS",
       .key_finder = geo::RadiusByMemberKeys},
      {"georadius_ro", -6, kReadonly, 1, 1, 1, kAcl, geo::GeoRadiusRo, kGroup,
       "A read-only variant for GEORADIUS", "3.2.10", "RO ACCESS"},
      {"georadiusbymember_ro", -5, kReadonly, 1, 1, 1, kAcl, geo::GeoRadiusByMemberRo, kGroup,
       "A read-only variant for GEORADIUSBYMEMBER", "3.2.10", "RO ACCESS"},
  });
}

}  // namespace tandem::commands
