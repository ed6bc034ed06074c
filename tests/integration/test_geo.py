"""GEO commands: GEOADD, GEODIST, GEOHASH, GEOPOS, GEOSEARCH / GEOSEARCHSTORE and the GEORADIUS family.

Expected search results were recorded from Redis 7.0.15 with the same seeded points."""
import random

import pytest

from support.calls import call, raises
from support.keyevents import keyevents

SYNTAX = r"^syntax error$"
WRONGTYPE = r"^WRONGTYPE Operation against a key holding the wrong kind of value$"

PALERMO = (b"13.36138933897018433", b"38.11555639549629859")
CATANIA = (b"15.08726745843887329", b"37.50266842333162032")


def add_sicily(r):
    return call(r, "GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
                "Catania")


# --- documentation examples ---------------------------------------------------------------------

def test_docs_examples(r):
    assert add_sicily(r) == 2
    assert call(r, "GEODIST", "Sicily", "Palermo", "Catania") == b"166274.1516"
    assert call(r, "GEODIST", "Sicily", "Palermo", "Catania", "km") == b"166.2742"
    assert call(r, "GEODIST", "Sicily", "Palermo", "Catania", "MI") == b"103.3182"
    assert call(r, "GEODIST", "Sicily", "Palermo", "Foo") is None
    assert call(r, "GEOPOS", "Sicily", "Palermo", "Catania", "NonExisting") == [
        list(PALERMO), list(CATANIA), None]
    assert call(r, "GEOHASH", "Sicily", "Palermo", "Catania") == [b"sqc8b49rny0", b"sqdtr74hyu0"]
    assert call(r, "GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST") == [
        [b"Palermo", b"190.4424"], [b"Catania", b"56.4413"]]
    assert call(r, "GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHCOORD") == [
        [b"Palermo", list(PALERMO)], [b"Catania", list(CATANIA)]]
    assert call(r, "GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD",
                "WITHHASH", "ASC") == [
        [b"Catania", b"56.4413", 3479447370796909, list(CATANIA)],
        [b"Palermo", b"190.4424", 3479099956230698, list(PALERMO)]]
    assert call(r, "GEOADD", "Sicily", "13.583333", "37.316667", "Agrigento") == 1
    assert call(r, "GEORADIUSBYMEMBER", "Sicily", "Agrigento", "100", "km") == [b"Agrigento",
                                                                              b"Palermo"]
    assert call(r, "GEOHASH", "Sicily", "Agrigento") == [b"sq9sm1716e0"]
    assert call(r, "GEOADD", "Sicily", "12.758489", "38.788135", "edge1", "17.241510", "38.788135",
                "edge2") == 2
    assert call(r, "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
                "ASC") == [b"Catania", b"Agrigento", b"Palermo"]
    assert call(r, "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC",
                "WITHCOORD", "WITHDIST", "WITHHASH") == [
        [b"Catania", b"56.4413", 3479447370796909, list(CATANIA)],
        [b"Agrigento", b"130.4235", 3479030013248308, [b"13.5833314061164856", b"37.31666804993816555"]],
        [b"Palermo", b"190.4424", 3479099956230698, list(PALERMO)],
        [b"edge2", b"279.7403", 3481342659049484, [b"17.24151045083999634", b"38.78813451624225195"]],
        [b"edge1", b"279.7405", 3479273021651468, [b"12.7584877610206604", b"38.78813451624225195"]]]


# --- GEOADD -------------------------------------------------------------------------------------

def test_geoadd_options(r):
    assert add_sicily(r) == 2
    assert r.type("Sicily") == b"zset"
    assert call(r, "ZSCORE", "Sicily", "Palermo") == b"3479099956230698"
    assert call(r, "GEOADD", "Sicily", "NX", "13", "38", "Palermo", "1", "2", "new") == 1
    assert call(r, "ZSCORE", "Sicily", "Palermo") == b"3479099956230698"
    assert call(r, "GEOADD", "Sicily", "XX", "13", "38", "Palermo", "3", "4", "other") == 0
    assert call(r, "ZSCORE", "Sicily", "other") is None
    assert call(r, "ZSCORE", "Sicily", "Palermo") != b"3479099956230698"
    assert call(r, "GEOADD", "Sicily", "CH", "XX", "15.087269", "37.502669", "Catania", "5", "5",
                "new") == 1
    assert call(r, "GEOADD", "Sicily", "CH", "5", "5", "new", "6", "6", "newer") == 1
    assert call(r, "GEOADD", "Sicily", "5", "5", "new") == 0
    assert call(r, "GEOADD", "nokey", "XX", "1", "2", "a") == 0
    assert r.exists("nokey") == 0
    # The limits: longitude [-180, 180], latitude [-85.05112878, 85.05112878], bounds included.
    assert call(r, "GEOADD", "edges", "-180", "-85.05112878", "a", "180", "85.05112878", "b") == 2


def test_geoadd_errors(r):
    raises(r, SYNTAX, "GEOADD", "k", "NX", "XX", "1", "2", "m")
    raises(r, SYNTAX, "GEOADD", "k", "1", "2", "m", "3")
    raises(r, SYNTAX, "GEOADD", "k", "CH", "CH", "CH")
    raises(r, r"^invalid longitude,latitude pair 200.000000,2.000000$", "GEOADD", "k", "200", "2", "m")
    raises(r, r"^invalid longitude,latitude pair 1.000000,86.000000$", "GEOADD", "k", "1", "86", "m")
    raises(r, r"^value is not a valid float$", "GEOADD", "k", "abc", "2", "m")
    raises(r, r"^value is not a valid float$", "GEOADD", "k", "1", "2", "a", "nan", "2", "b")
    assert r.exists("k") == 0
    raises(r, r"^wrong number of arguments for 'geoadd' command$", "GEOADD", "k", "1", "2")


# --- GEODIST / GEOHASH / GEOPOS -----------------------------------------------------------------

def test_point_reads_missing(r):
    add_sicily(r)
    assert call(r, "GEODIST", "nokey", "a", "b") is None
    assert call(r, "GEODIST", "Sicily", "x", "Palermo") is None
    assert call(r, "GEODIST", "Sicily", "Palermo", "Palermo") == b"0.0000"
    assert call(r, "GEODIST", "Sicily", "Palermo", "Catania", "ft") == b"545518.8700"
    assert call(r, "GEOPOS", "nokey", "a", "b") == [None, None]
    assert call(r, "GEOHASH", "nokey", "a") == [None]
    assert call(r, "GEOHASH", "Sicily", "x", "Catania") == [None, b"sqdtr74hyu0"]
    assert call(r, "GEOPOS", "Sicily") == []
    assert call(r, "GEOHASH", "Sicily") == []
    raises(r, SYNTAX, "GEODIST", "Sicily", "Palermo", "Catania", "km", "x")
    raises(r, r"^unsupported unit provided. please use M, KM, FT, MI$", "GEODIST", "Sicily",
           "Palermo", "Catania", "parsec")


def test_geopos_of_plain_zset_scores(r):
    call(r, "ZADD", "z", "0", "zero", "-1", "neg", "inf", "big")
    low = [b"-179.99999731779098511", b"-85.05112751263942528"]
    high = [b"180", b"85.0511287799999991"]
    assert call(r, "GEOPOS", "z", "zero", "neg", "big") == [low, high, low]
    assert call(r, "GEOHASH", "z", "zero", "neg", "big") == [b"00bh0hbj200", b"bp05b5048p0",
                                                              b"00bh0hbj200"]


# --- searches over random points ----------------------------------------------------------------

def random_points():
    """Deterministic points: a dense area over Italy, the antimeridian, and the far north."""
    rng = random.Random(20240607)
    pts = []
    for _ in range(250):
        pts.append((rng.uniform(5, 25), rng.uniform(35, 50)))
    for _ in range(60):
        lon = rng.uniform(175, 180) if rng.random() < 0.5 else rng.uniform(-180, -175)
        pts.append((lon, rng.uniform(-10, 10)))
    for _ in range(40):
        pts.append((rng.uniform(-180, 180), rng.uniform(80, 85.05)))
    return [("%.6f" % lon, "%.6f" % lat) for lon, lat in pts]


def add_points(r, key="pts"):
    args = []
    for i, (lon, lat) in enumerate(random_points()):
        args += [lon, lat, "p%d" % i]
    return call(r, "GEOADD", key, *args)

# (source, by, extra options): source is ("FROMLONLAT", lon, lat) or ("FROMMEMBER", "pN").
QUERIES = [
    (("FROMLONLAT", "15", "42"), ("BYRADIUS", "300", "km"), ("ASC",)),
    (("FROMLONLAT", "15", "42"), ("BYRADIUS", "300", "km"), ()),
    (("FROMLONLAT", "12.5", "41.9"), ("BYRADIUS", "150000", "m"), ("DESC",)),
    (("FROMLONLAT", "12.5", "41.9"), ("BYRADIUS", "100", "mi"), ("ASC", "WITHDIST")),
    (("FROMLONLAT", "9", "45"), ("BYRADIUS", "800000", "ft"), ("ASC",)),
    (("FROMMEMBER", "p7"), ("BYRADIUS", "250", "km"), ("ASC",)),
    (("FROMMEMBER", "p100"), ("BYRADIUS", "1000", "km"), ("DESC", "COUNT", "15")),
    (("FROMLONLAT", "15", "42"), ("BYRADIUS", "2000", "km"), ("COUNT", "10")),
    (("FROMLONLAT", "15", "42"), ("BYRADIUS", "2000", "km"), ("COUNT", "10", "ANY")),
    (("FROMLONLAT", "15", "42"), ("BYRADIUS", "2000", "km"), ("COUNT", "10", "ANY", "DESC")),
    (("FROMLONLAT", "15", "42"), ("BYBOX", "400", "300", "km"), ("ASC",)),
    (("FROMLONLAT", "15", "42"), ("BYBOX", "400", "300", "km"), ()),
    (("FROMLONLAT", "20", "38"), ("BYBOX", "900", "500", "km"), ("DESC", "WITHDIST")),
    (("FROMMEMBER", "p42"), ("BYBOX", "200", "600", "mi"), ("ASC",)),
    (("FROMLONLAT", "8", "48"), ("BYBOX", "5000", "5000", "km"), ("ASC", "COUNT", "20")),
    (("FROMLONLAT", "179.9", "0"), ("BYRADIUS", "300", "km"), ("ASC",)),
    (("FROMLONLAT", "-179.5", "2"), ("BYBOX", "400", "800", "km"), ("ASC",)),
    (("FROMLONLAT", "180", "0"), ("BYRADIUS", "600", "km"), ()),
    (("FROMLONLAT", "0", "84"), ("BYRADIUS", "1500", "km"), ("ASC",)),
    (("FROMLONLAT", "90", "83"), ("BYBOX", "3000", "800", "km"), ("ASC",)),
    (("FROMLONLAT", "15", "42"), ("BYRADIUS", "10000", "km"), ("ASC",)),
    (("FROMLONLAT", "0", "0"), ("BYRADIUS", "20000", "km"), ()),
    (("FROMLONLAT", "15", "42"), ("BYRADIUS", "0.5", "km"), ()),
]
EXPECTED = [
    [19, 240, 162, 112, 64, 161, 139, 136, 175, 0, 176, 119, 53, 11, 17, 1, 48, 123, 96, 72, 140,
     99, 12, 62, 244, 219],
    [176, 140, 62, 17, 119, 48, 162, 240, 19, 64, 136, 72, 53, 161, 112, 139, 175, 0, 123, 1, 12,
     99, 219, 244, 11, 96],
    [72, 53, 140, 62],
    [(62, '50.7655'), (140, '53.0420'), (53, '76.8396'), (72, '79.9230'), (240, '97.8601')],
    [30, 225, 46, 33, 231, 102, 233, 157, 150, 18, 129, 247, 245, 166, 52],
    [7, 195, 216, 56, 177, 237, 77, 204, 101, 74, 68, 154, 73, 134, 36, 43],
    [61, 234, 15, 244, 197, 188, 8, 131, 243, 87, 137, 122, 241, 2, 25],
    [19, 240, 162, 112, 64, 161, 139, 136, 175, 0],
    [185, 172, 104, 120, 116, 128, 238, 249, 118, 9],
    [185, 104, 120, 116, 172, 118, 128, 249, 9, 238],
    [19, 240, 162, 112, 64, 161, 139, 136, 175, 0, 53],
    [162, 240, 19, 64, 136, 53, 161, 112, 139, 175, 0],
    [(119, '515.3090'), (230, '505.8105'), (12, '475.8453'), (99, '463.3667'), (68, '439.8276'),
     (237, '428.9168'), (224, '416.0417'), (48, '415.9351'), (181, '415.4170'), (229, '378.8461'),
     (56, '360.0786'), (219, '353.4827'), (83, '352.5305'), (8, '347.8098'), (216, '340.1045'),
     (87, '330.2948'), (67, '325.9681'), (2, '316.7653'), (122, '299.7469'), (7, '269.0039'), (57,
     '254.5629'), (39, '245.3228'), (234, '243.0035'), (61, '242.5419'), (127, '234.7300'), (195,
     '206.8341'), (218, '202.2025'), (232, '184.4906'), (66, '167.6044'), (117, '158.4927'), (177,
     '156.0405'), (77, '145.3185'), (3, '120.1061'), (235, '116.0199'), (36, '115.6371'), (198,
     '107.9981'), (204, '99.6156'), (50, '69.1721'), (101, '69.1632')],
    [42, 203, 201, 11, 96, 214, 186, 81, 244, 213, 241, 82, 5, 246, 135, 218, 127, 188, 44, 226,
     117, 89, 61, 20, 234, 204, 141, 200, 51, 101, 50, 235, 57],
    [10, 221, 153, 28, 142, 165, 92, 148, 194, 114, 4, 164, 245, 138, 33, 150, 242, 149, 46, 146],
    [262, 276, 290, 282, 265, 267, 264],
    [265, 290, 287, 304, 302, 276, 262, 282],
    [299, 267, 276, 301, 290, 265, 293, 304, 302, 251, 283, 308, 275, 286, 292, 264, 282, 262],
    [336, 332, 318, 347, 345, 322, 311, 327, 335, 340, 317, 323, 325, 314, 330, 313, 334, 324,
     329, 326, 342, 346, 321, 343, 349, 339, 319, 348, 338, 333, 341, 344, 312, 310],
    [334, 349, 313, 329, 340, 323, 341, 345, 325, 314, 339, 328, 311, 316, 338, 335, 327, 320,
     322, 333, 348, 312, 332, 336, 347, 319, 318, 343, 315, 324, 321],
    [19, 240, 162, 112, 64, 161, 139, 136, 175, 0, 176, 119, 53, 11, 17, 1, 48, 123, 96, 72, 140,
     99, 12, 62, 244, 219, 85, 208, 42, 203, 179, 241, 45, 81, 236, 5, 90, 38, 214, 160, 79, 147,
     224, 211, 127, 201, 246, 61, 67, 186, 234, 2, 229, 122, 26, 89, 166, 218, 86, 82, 107, 168,
     188, 125, 18, 231, 151, 233, 129, 247, 213, 210, 57, 95, 135, 87, 181, 117, 134, 199, 16, 23,
     225, 39, 8, 103, 78, 54, 235, 217, 105, 52, 226, 200, 191, 196, 50, 60, 189, 20, 69, 193, 22,
     46, 215, 111, 44, 204, 202, 223, 63, 102, 163, 167, 141, 239, 30, 101, 13, 73, 76, 106, 149,
     55, 207, 121, 88, 33, 192, 51, 14, 154, 31, 58, 184, 37, 232, 113, 131, 174, 177, 216, 91, 83,
     49, 7, 94, 71, 242, 169, 195, 222, 230, 212, 100, 198, 3, 6, 77, 157, 173, 97, 36, 170, 56,
     152, 109, 74, 24, 80, 182, 126, 27, 132, 15, 66, 183, 92, 21, 70, 156, 150, 34, 93, 40, 130,
     124, 237, 115, 227, 190, 110, 245, 59, 137, 4, 209, 180, 144, 75, 243, 248, 35, 142, 29, 47,
     133, 194, 178, 197, 43, 238, 108, 114, 9, 249, 28, 206, 205, 153, 221, 220, 145, 10, 128, 118,
     68, 171, 158, 187, 98, 25, 155, 146, 84, 65, 172, 116, 143, 120, 148, 104, 165, 185, 228, 32,
     159, 164, 138, 41, 327, 335, 314, 325, 322, 311, 318, 323, 336, 329, 345, 313, 332, 340, 347,
     317, 334, 349, 330, 342, 326, 346, 324, 321, 339, 341, 343, 319, 348, 338, 328, 333, 316, 312,
     344, 320, 310, 337, 315, 331],
    [185, 172, 104, 120, 116, 128, 238, 249, 118, 9, 75, 47, 130, 183, 170, 93, 145, 171, 209,
     182, 37, 94, 58, 55, 199, 95, 27, 63, 49, 174, 100, 169, 189, 13, 105, 217, 151, 54, 168, 24,
     184, 106, 69, 230, 132, 80, 167, 196, 83, 232, 66, 3, 198, 60, 79, 208, 45, 181, 8, 229, 87,
     2, 122, 38, 224, 12, 99, 67, 219, 176, 140, 62, 17, 119, 48, 162, 240, 19, 64, 136, 39, 57,
     235, 50, 234, 61, 127, 218, 117, 101, 36, 77, 204, 177, 195, 7, 244, 11, 81, 203, 42, 201,
     134, 16, 73, 191, 78, 163, 41, 159, 68, 216, 56, 74, 237, 43, 154, 70, 21, 227, 146, 156, 91,
     126, 215, 102, 157, 248, 144, 52, 247, 233, 225, 231, 150, 245, 142, 221, 30, 33, 46, 149,
     164, 10, 153, 165, 138, 148, 28, 92, 194, 114, 4, 72, 53, 90, 179, 18, 129, 166, 160, 161,
     112, 139, 175, 0, 123, 1, 85, 5, 236, 125, 22, 242, 202, 14, 147, 26, 23, 210, 211, 86, 107,
     103, 111, 96, 214, 186, 241, 246, 82, 135, 213, 76, 223, 193, 121, 89, 188, 200, 226, 20, 141,
     239, 88, 192, 31, 44, 51, 207, 113, 40, 110, 173, 212, 152, 97, 25, 35, 133, 137, 243, 197,
     15, 131, 158, 98, 124, 59, 29, 108, 190, 180, 205, 65, 32, 34, 71, 222, 6, 109, 115, 178, 220,
     206, 187, 155, 84, 143, 228, 322, 327, 335, 345, 311, 314, 325, 323, 340, 313, 329, 334, 349,
     299, 267, 276, 301, 290, 265, 293, 304, 302, 288, 279, 256, 305, 269, 272, 258, 291, 261, 257,
     341, 316, 320, 328, 339, 338, 333, 312, 348, 297, 307, 289, 270, 252, 294, 260, 280, 251, 283,
     308, 275, 286, 292, 264, 282, 262, 266, 309, 306, 287, 263, 274, 298, 271, 285, 278, 315, 331,
     319, 337, 343, 310, 344, 321, 324, 346, 326, 342, 330, 317, 347, 332, 336, 318, 250, 281, 300,
     268, 284, 255, 303, 259, 277, 273, 296, 254, 295, 253],
    [],
]


def search_members(reply, withdist):
    if withdist:
        return [(int(m.decode()[1:]), d.decode()) for m, d in reply]
    return [int(m.decode()[1:]) for m in reply]


@pytest.mark.parametrize("index", range(len(QUERIES)))
def test_random_points_geosearch(r, index):
    assert add_points(r) == 350
    src, by, opts = QUERIES[index]
    reply = call(r, "GEOSEARCH", "pts", *src, *by, *opts)
    assert search_members(reply, "WITHDIST" in opts) == EXPECTED[index]


@pytest.mark.parametrize("index", [i for i, q in enumerate(QUERIES) if q[1][0] == "BYRADIUS"])
def test_random_points_georadius_matches_geosearch(r, index):
    add_points(r)
    src, by, opts = QUERIES[index]
    store_opts = tuple(o for o in opts if o != "WITHDIST")
    if src[0] == "FROMLONLAT":
        reply = call(r, "GEORADIUS_RO", "pts", src[1], src[2], by[1], by[2], *opts)
        stored = call(r, "GEORADIUS", "pts", src[1], src[2], by[1], by[2], *store_opts, "STORE", "dst")
    else:
        reply = call(r, "GEORADIUSBYMEMBER_RO", "pts", src[1], by[1], by[2], *opts)
        stored = call(r, "GEORADIUSBYMEMBER", "pts", src[1], by[1], by[2], *store_opts, "STORE",
                      "dst")
    expected = EXPECTED[index]
    assert search_members(reply, "WITHDIST" in opts) == expected
    members = [m for m, _ in expected] if "WITHDIST" in opts else expected
    assert stored == len(members)
    assert sorted(int(m.decode()[1:]) for m in call(r, "ZRANGE", "dst", "0", "-1")) == sorted(members)


def test_random_points_with_everything(r):
    add_points(r)
    plain = call(r, "GEOSEARCH", "pts", "FROMLONLAT", "15", "42", "BYRADIUS", "300", "km", "ASC")
    full = call(r, "GEOSEARCH", "pts", "FROMLONLAT", "15", "42", "BYRADIUS", "300", "km", "ASC",
                "WITHCOORD", "WITHHASH")
    assert [e[0] for e in full] == plain
    positions = call(r, "GEOPOS", "pts", *plain)
    for entry, pos in zip(full, positions):
        assert entry[1] == int(call(r, "ZSCORE", "pts", entry[0]))
        assert entry[2] == pos


# --- COUNT and ANY ------------------------------------------------------------------------------

def test_count_and_any(r):
    add_sicily(r)
    call(r, "GEOADD", "Sicily", "13.583333", "37.316667", "Agrigento")
    base = ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")
    assert call(r, *base) == [b"Agrigento", b"Palermo", b"Catania"]
    assert call(r, *base, "COUNT", "1") == [b"Catania"]
    assert call(r, *base, "COUNT", "2", "DESC") == [b"Palermo", b"Agrigento"]
    assert call(r, *base, "COUNT", "1", "ANY") == [b"Agrigento"]
    assert call(r, *base, "COUNT", "2", "ANY", "DESC") == [b"Palermo", b"Agrigento"]
    assert call(r, *base, "COUNT", "10", "ANY", "ASC") == [b"Catania", b"Agrigento", b"Palermo"]
    # The last of repeated options wins.
    assert call(r, *base, "COUNT", "5", "COUNT", "1", "DESC", "ASC") == [b"Catania"]
    assert call(r, "GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km",
                "BYRADIUS", "200", "km", "FROMMEMBER", "Catania", "ASC") == [
        b"Catania", b"Agrigento", b"Palermo"]


# --- STORE forms --------------------------------------------------------------------------------

def test_store_forms(r):
    add_sicily(r)
    call(r, "GEOADD", "Sicily", "13.583333", "37.316667", "Agrigento", "12.758489", "38.788135",
         "edge1")
    box = ("FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC")
    assert call(r, "GEOSEARCHSTORE", "dst", "Sicily", *box, "COUNT", "3", "STOREDIST") == 3
    assert call(r, "ZRANGE", "dst", "0", "-1", "WITHSCORES") == [
        b"Catania", b"56.441257870158204", b"Agrigento", b"130.42348706714702", b"Palermo",
        b"190.44242984775784"]
    assert call(r, "GEOSEARCHSTORE", "dst", "Sicily", *box, "COUNT", "3") == 3
    assert call(r, "ZRANGE", "dst", "0", "-1", "WITHSCORES") == [
        b"Agrigento", b"3479030013248308", b"Palermo", b"3479099956230698", b"Catania",
        b"3479447370796909"]
    assert call(r, "OBJECT", "ENCODING", "dst") == b"listpack"
    assert call(r, "GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "d3") == 3
    assert call(r, "ZSCORE", "d3", "Catania") == b"56.441257870158204"
    # The last STORE/STOREDIST wins.
    assert call(r, "GEORADIUSBYMEMBER", "Sicily", "Palermo", "100", "km", "STORE", "d4",
                "STOREDIST", "d5") == 3
    assert r.exists("d4") == 0
    assert call(r, "ZRANGE", "d5", "0", "-1", "WITHSCORES") == [
        b"Palermo", b"0", b"Agrigento", b"90.977753537996037", b"edge1", b"91.400658605814272"]
    # An empty result deletes the destination, whatever it held.
    r.set("str", "x")
    assert call(r, "GEOSEARCHSTORE", "str", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1",
                "m") == 0
    assert r.exists("str") == 0
    assert call(r, "GEOSEARCHSTORE", "dst", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m") == 0
    assert r.exists("dst") == 0
    assert call(r, "GEORADIUS", "nokey", "15", "37", "200", "km", "STORE", "d3") == 0
    assert r.exists("d3") == 0
    # Overwrites any type and clears its TTL.
    r.set("str", "x", ex=100)
    assert call(r, "GEOSEARCHSTORE", "str", "Sicily", *box) == 4
    assert r.type("str") == b"zset" and r.ttl("str") == -1


def test_store_skiplist_when_large(r):
    add_points(r)
    assert call(r, "GEOSEARCHSTORE", "big", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "20000",
                "km") == 350
    assert call(r, "OBJECT", "ENCODING", "big") == b"skiplist"
    assert call(r, "ZSCORE", "big", "p5") == call(r, "ZSCORE", "pts", "p5")


# --- errors -------------------------------------------------------------------------------------

ERRORS = [
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km"), SYNTAX),
    (("GEOSEARCH", "S", "FROMLONLAT", "1", "2", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"), SYNTAX),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"), SYNTAX),
    (("GEOSEARCH", "S", "BYRADIUS", "100", "km", "ASC", "WITHDIST"),
     r"^exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH$"),
    (("geosearch", "nokey", "BYRADIUS", "100", "km", "ASC", "DESC"),
     r"^exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch$"),
    (("GeoSearch", "S", "FROMLONLAT", "1", "2", "ASC", "WITHDIST"),
     r"^exactly one of BYRADIUS and BYBOX can be specified for GeoSearch$"),
    (("geosearchstore", "d", "S", "FROMLONLAT", "1", "2", "ASC", "DESC"),
     r"^exactly one of BYRADIUS and BYBOX can be specified for geosearchstore$"),
    (("GEOSEARCHSTORE", "d", "S", "FROMLONLAT", "1", "2", "ASC", "WITHDIST"),
     r"^GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options$"),
    (("GEORADIUS", "S", "15", "37", "200", "km", "STORE", "x", "WITHHASH"),
     r"^STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "ANY"),
     r"^the ANY argument requires COUNT argument$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "COUNT", "0"),
     r"^COUNT must be > 0$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "COUNT", "-1"),
     r"^COUNT must be > 0$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "COUNT", "x"),
     r"^value is not an integer or out of range$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "COUNT"), SYNTAX),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STORE", "x"), SYNTAX),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STOREDIST"), SYNTAX),
    (("GEOSEARCH", "S", "FROMMEMBER", "nobody", "BYRADIUS", "1", "km"),
     r"^could not decode requested zset member$"),
    (("GEOSEARCH", "nokey", "FROMMEMBER", "nobody", "BYRADIUS", "-1", "km"),
     r"^radius cannot be negative$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "x", "km"), r"^need numeric radius$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "parsec"),
     r"^unsupported unit provided. please use M, KM, FT, MI$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYBOX", "-1", "1", "km"),
     r"^height or width cannot be negative$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYBOX", "x", "1", "km"), r"^need numeric width$"),
    (("GEOSEARCH", "S", "FROMMEMBER", "Palermo", "BYBOX", "1", "y", "km"), r"^need numeric height$"),
    (("GEOSEARCH", "S", "FROMLONLAT", "200", "1", "BYRADIUS", "1", "km"),
     r"^invalid longitude,latitude pair 200.000000,1.000000$"),
    (("GEOSEARCH", "nokey", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km", "junk"), SYNTAX),
    (("GEORADIUS_RO", "S", "15", "37", "200", "km", "STORE", "x"), SYNTAX),
    (("GEORADIUSBYMEMBER_RO", "S", "Palermo", "200", "km", "STOREDIST", "x"), SYNTAX),
    (("GEORADIUS", "S", "15", "37", "200", "km", "FROMMEMBER", "x"), SYNTAX),
    (("GEORADIUS", "S", "15", "37", "200", "km", "STORE"), SYNTAX),
    (("GEORADIUS", "S", "15", "37", "-1", "km"), r"^radius cannot be negative$"),
    (("GEORADIUS", "S", "15", "37", "1", "foo"), r"^unsupported unit provided. please use M, KM, FT, MI$"),
    (("GEORADIUS", "nokey", "200", "37", "1", "km"), r"^invalid longitude,latitude pair 200.000000,37.000000$"),
    (("GEORADIUS", "S", "x", "37", "1", "km"), r"^value is not a valid float$"),
    (("GEORADIUSBYMEMBER", "S", "Palermo", "-5", "km"), r"^radius cannot be negative$"),
    (("GEORADIUSBYMEMBER", "S", "m", "100", "km"), r"^could not decode requested zset member$"),
    (("GEORADIUSBYMEMBER", "nokey", "a", "-5", "km", "junk"), SYNTAX),
    (("GEOSEARCH", "S", "bybox", "10", "10", "km"),
     r"^wrong number of arguments for 'geosearch' command$"),
    (("GEOSEARCHSTORE", "d", "S", "BYRADIUS", "100", "km"),
     r"^wrong number of arguments for 'geosearchstore' command$"),
]


@pytest.mark.parametrize("args,pattern", ERRORS)
def test_search_errors(r, args, pattern):
    call(r, "GEOADD", "S", "13.361389", "38.115556", "Palermo")
    raises(r, pattern, *args)


def test_missing_source_skips_checks(r):
    # Without the source key GEORADIUSBYMEMBER does not look at its radius or unit.
    assert call(r, "GEORADIUSBYMEMBER", "nokey", "m", "abc", "km") == []
    assert call(r, "GEOSEARCH", "nokey", "FROMMEMBER", "nobody", "BYRADIUS", "1", "km") == []
    assert call(r, "GEOSEARCH", "nokey", "FROMLONLAT", "1", "2", "BYBOX", "1", "1", "km") == []


def test_wrongtype(r):
    r.set("s", "x")
    add_sicily(r)
    for args in [("GEOADD", "s", "1", "2", "m"), ("GEODIST", "s", "a", "b"), ("GEOHASH", "s", "a"),
                 ("GEOPOS", "s", "a"), ("GEOSEARCH", "s", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"),
                 ("GEOSEARCHSTORE", "d", "s", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"),
                 ("GEORADIUS", "s", "15", "37", "1", "km"), ("GEORADIUS_RO", "s", "15", "37", "1", "km"),
                 ("GEORADIUSBYMEMBER", "s", "a", "1", "km"), ("GEORADIUSBYMEMBER_RO", "s", "a", "1", "km"),
                 # WRONGTYPE comes before any argument check.
                 ("GEOSEARCH", "s", "junk", "junk", "junk", "junk", "junk"),
                 ]:
        raises(r, WRONGTYPE, *args)
    # GEODIST checks its unit first.
    raises(r, r"^unsupported unit provided. please use M, KM, FT, MI$", "GEODIST", "s", "a", "b",
           "parsec")
    assert r.get("s") == b"x"


# --- RESP3 and wire shapes ----------------------------------------------------------------------

def test_reply_shapes_resp2_and_resp3(r, raw):
    add_sicily(r)
    search = ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC",
              "WITHDIST", "WITHHASH", "WITHCOORD")
    expected = {
        "2": [b"*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n",
              b"*2\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n", b"$11\r\n166274.1516\r\n", b"$-1\r\n",
              b"*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n"
              b"*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n"
              b"*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n"
              b"*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n",
              b"*0\r\n", b"*1\r\n*-1\r\n"],
        "3": [b"*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n",
              b"*2\r\n$11\r\nsqc8b49rny0\r\n_\r\n", b"$11\r\n166274.1516\r\n", b"_\r\n",
              b"*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n"
              b"*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n"
              b"*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n"
              b"*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n",
              b"*0\r\n", b"*1\r\n_\r\n"],
    }
    for proto in ("2", "3"):
        raw.send_command("HELLO", proto)
        raw.read_frame()
        frames = []
        for args in [("GEOPOS", "Sicily", "Palermo", "nobody"), ("GEOHASH", "Sicily", "Palermo", "x"),
                     ("GEODIST", "Sicily", "Palermo", "Catania"), ("GEODIST", "Sicily", "Palermo", "x"),
                     search, ("GEOSEARCH", "nokey", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km"),
                     ("GEOPOS", "nokey", "a")]:
            raw.send_command(*args)
            frames.append(raw.read_frame())
        assert frames == expected[proto]


# --- COMMAND metadata ---------------------------------------------------------------------------

def test_command_getkeys(r):
    assert call(r, "COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "2", "3", "km", "STORE", "d") == [b"k", b"d"]
    assert call(r, "COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "k", "m", "3", "km", "STORE", "d1",
                "STOREDIST", "d2") == [b"k", b"d1", b"d2"]
    assert call(r, "COMMAND", "GETKEYS", "GEOSEARCHSTORE", "d", "k", "FROMMEMBER", "m", "BYRADIUS",
                "1", "km") == [b"d", b"k"]
    info = call(r, "COMMAND", "INFO", "georadius")[0]
    assert info[1] == -6 and b"movablekeys" in info[2] and b"write" in info[2]


# --- notifications ------------------------------------------------------------------------------

def test_keyspace_notifications(r):
    def action():
        add_sicily(r)
        call(r, "GEOADD", "Sicily", "NX", "13.361389", "38.115556", "Palermo")
        call(r, "GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")
        call(r, "GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "e")
        call(r, "GEORADIUSBYMEMBER", "Sicily", "Palermo", "1", "km", "STOREDIST", "f")
        call(r, "GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m")
        call(r, "GEORADIUS", "Sicily", "0", "0", "1", "km", "STORE", "e")
    assert keyevents(r, action) == [("zadd", "Sicily"), ("geosearchstore", "d"), ("georadiusstore", "e"),
                                    ("georadiusstore", "f"), ("del", "d"), ("del", "e")]
