#pragma once
// What the geo family's two files share: geo_family.cc (GEOADD, GEODIST, GEOHASH, GEOPOS and the
// command table) and geo_search.cc (GEOSEARCH, GEOSEARCHSTORE and the GEORADIUS family). Geo
// values are sorted sets whose scores are 52-bit geohashes (server/store/geohash.h). Internal to
// the family.

#include <span>
#include <string_view>
#include <vector>

#include "server/commands/context.h"

namespace tandem::commands::geo {

// Replies one coordinate as Redis's addReplyHumanLongDouble: "%.17Lf" without trailing zeros, as a
// bulk string in RESP2 and a double in RESP3 (GEOPOS, WITHCOORD).
void ReplyCoordinate(resp::ReplyBuilder& r, double value);

// Key finder of GEORADIUS / GEORADIUSBYMEMBER: the source key, then the keys after the first
// STORE and the first STOREDIST keyword (as Redis 7.0's key specs find them).
void RadiusKeys(std::span<const std::string_view> argv, std::vector<int>* keys);
void RadiusByMemberKeys(std::span<const std::string_view> argv, std::vector<int>* keys);

// Handlers defined in geo_search.cc.
void GeoSearch(Context& ctx);
void GeoSearchStore(Context& ctx);
void GeoRadius(Context& ctx);
void GeoRadiusRo(Context& ctx);
void GeoRadiusByMember(Context& ctx);
void GeoRadiusByMemberRo(Context& ctx);

}  // namespace tandem::commands::geo
