"""The WordNet experiment's reader, on a WordNet of five synsets in WordNet's own file format."""

from __future__ import annotations

import pytest

import wordnet_lists  # eval/ is on pytest's path (pyproject.toml)
from pipeline.verify.align import align
from pipeline.text.lexicon import key
from verification import lexicon_with

DATA = {
    "noun": ["  1 This software and database is being provided (licence lines start with two spaces)",
             "00000001 04 n 01 homicide 0 002 ~ 00000002 n 0000 ~ 00000003 n 0000 | the killing of a human",
             "00000002 04 n 01 murder 0 001 @ 00000001 n 0000 | unlawful premeditated killing",
             "00000003 04 n 01 manslaughter 0 001 @ 00000001 n 0000 | homicide without malice",
             "00000004 15 n 01 Ukraine 0 000 | a republic in southeastern Europe",
             "00000005 15 n 02 United_Kingdom 0 UK 0 001 %p 00000006 n 0000 | a monarchy in northwestern Europe",
             "00000006 15 n 01 London 0 001 #p 00000005 n 0000 | the capital of the United Kingdom"],
    "adj": ["00000010 00 a 01 legal 0 001 ! 00000011 a 0101 | allowed by law",
            "00000011 00 a 01 illegal 0 001 ! 00000010 a 0101 | prohibited by law",
            "00000012 01 a 01 Ukrainian 0 001 \\ 00000004 n 0101 | of or relating to Ukraine"],
    "verb": [], "adv": [],
}
INDEX = {"noun": ["murder n 1 1 @ 1 1 00000002", "manslaughter n 1 1 @ 1 0 00000003"],
         "adj": [], "verb": [], "adv": []}


@pytest.fixture
def wordnet(tmp_path):
    for name, lines in DATA.items():
        (tmp_path / f"data.{name}").write_text("\n".join(lines) + "\n", encoding="latin-1")
        (tmp_path / f"index.{name}").write_text("\n".join(INDEX[name]) + "\n", encoding="latin-1")
    return tmp_path


def test_reads_antonyms_places_and_word_sets(wordnet):
    synsets = wordnet_lists.read_synsets(wordnet)
    assert wordnet_lists.opposites(synsets) == {key("legal"): {key("illegal")}, key("illegal"): {key("legal")}}
    assert wordnet_lists.places(synsets)["ukrainian"] == {"ukrainian", "ukraine"}
    assert "london" not in wordnet_lists.places(synsets).get("uk", ())
    assert wordnet_lists.places(synsets, within=True)["uk"] == {"uk", "london"}  # London is in the UK
    tagged = wordnet_lists.senses(wordnet, "tagged")
    assert tagged == {("murder", "00000002n")}  # manslaughter's sense is not in the tagged corpus
    meanings, contrasts = wordnet_lists.word_sets(synsets, None)
    assert contrasts["00000002n"] == {"00000003n"} and meanings[key("manslaughter")] == {"00000003n"}
    assert key("manslaughter") not in wordnet_lists.word_sets(synsets, tagged)[0]


def test_word_sets_drive_the_verifier(wordnet):
    meanings, contrasts = wordnet_lists.word_sets(wordnet_lists.read_synsets(wordnet), None)
    claim, sentence = "He pleaded guilty to murder in 1988.", "He pleaded guilty to manslaughter in 1988."
    with lexicon_with(MEANINGS=meanings, CONTRASTS=contrasts):
        assert align(claim, sentence).turns == ["one word for another: murder/manslaughter"]
    with lexicon_with(MEANINGS={}, CONTRASTS={}):
        assert align(claim, sentence).turns == []
