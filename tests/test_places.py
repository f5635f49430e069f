"""Where cities lie: only cities of one country far apart make two places in one slot a swap."""

import pytest

from pipeline.text.places import far_apart


@pytest.mark.parametrize("name, other, far", [
    ("Chennai", "Mumbai", True),
    ("Nairobi", "Mombasa", True),
    ("Hollywood", "Los Angeles", False),   # a district of the city (and a city in Florida too)
    ("Salford", "Manchester", False),      # two cities side by side
    ("Aurora", "Chicago", False),          # one Aurora of four lies near Chicago
    ("France", "Germany", False),          # countries are not in the gazetteer: may hold a city
    ("Lebanon", "Beirut", False),          # a country that US towns are named after
    ("Washington", "Spokane", False),      # a state, and a city elsewhere
    ("Victoria", "Melbourne", False),      # an Australian state, and cities in Canada and Chile
    ("Ontario", "Toronto", False),         # a province, and a city in California
    ("Glasgow", "Glasgow", False),
], ids=["two cities of one country", "a capital and a port", "a district within its city",
        "neighbours", "a name of several cities, one of them near", "not cities", "a country",
        "a US state", "a region named like foreign towns", "a province named like a US city", "one city"])
def test_only_two_cities_of_one_country_far_apart_are_far(name, other, far):
    assert far_apart(name, other) is far
