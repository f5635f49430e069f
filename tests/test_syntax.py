"""Who a figure belongs to, read from the parse (pipeline.text.syntax), on sentences written for
these tests: the owner its statement names, or none; never a capitalised word that owns nothing."""

from __future__ import annotations

import pytest

from pipeline.text import syntax
from pipeline.verify.figures import extract_figures


def entities(text: str, quote: str) -> list[str | None]:
    return [f.entity for f in extract_figures(text) if f.quote == quote]


@pytest.mark.parametrize("text, quote, owner", [
    ("Power was cut to 40,000 homes after the storm.", "40,000 homes", None),
    ("Net income was $94.8 million in the quarter.", "$94.8 million", None),
    ("Writing for the majority, the judge said damages of $5 million were too high.", "$5 million", None),
    ("Helen Marsh said the firm runs about 1,100 locomotives.", "1,100 locomotives", None),  # not the speaker
    ("Acme Corp said its revenue rose 5% last year.", "5%", "Acme Corp"),  # "its" is the speaker's
    ("The offers by the Angels were worth $160 million.", "$160 million", "Angels"),  # a noun's agent
    ("Shares of Northbridge fell 1% at the close.", "1%", "Northbridge"),
    ("Peru's state radio says a magnitude-6.3 quake has injured four people.", "6.3", None),  # its own word
], ids=["a sentence-initial noun", "a metric's adjective", "a participle", "the speaker", "its",
        "an agent", "of a name", "the figure's word"])
def test_a_figure_is_owned_by_what_its_statement_names(text, quote, owner):
    assert entities(text, quote) == [owner]


def test_names_joined_by_and_each_own_the_figure():
    assert entities("Apple and Alibaba were up more than 1% before the bell.", "1%") == ["Apple", "Alibaba"]


def test_a_dateline_is_no_subject():
    text = "ROTTERDAM, March 3 (Wire) - Harbor Freight Lines said on Tuesday it would cut about 1,200 jobs."
    assert syntax.dateline_length(text) == len("ROTTERDAM, March 3 (Wire) - ")
    assert syntax.dateline_length("US - China talks resumed.") == 0
    assert entities(text, "1,200 jobs") == ["Harbor Freight Lines"]


def test_a_name_read_once_is_a_name_everywhere_in_the_text():
    """The small parser tags a sentence-initial "Northbridge" before "shares" a common noun; the
    text's other sentence shows it is a name."""
    text = "Northbridge Rail Group agreed to buy Keller Freight. Northbridge shares rose 3% at the close."
    assert entities(text, "3%") == ["Northbridge"]
    text = ("The court struck down a levy imposed by the city of Lakeshore, ruling that the city council had exceeded "
            "its powers. A judge said the council could not charge residents a fee of $18 a month.")
    assert entities(text, "$18") == [None]  # a word of a name is no name in lowercase


def test_we_is_the_organisation_the_text_names_most():
    text = ("Welcome to the Dolby Laboratories earnings call. Dolby Laboratories thanks you for joining. "
            "We reported revenue of $300 million in the quarter.")
    assert entities(text, "$300 million") == ["Dolby Laboratories"]
    assert entities("We reported revenue of $300 million in the quarter.", "$300 million") == [None]


def test_a_missing_parser_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(syntax, "MODEL_PACKAGE", "no_such_spacy_model")
    syntax.parser.cache_clear()
    try:
        with pytest.raises(syntax.ParserMissingError, match="make install"):
            syntax.parser()
    finally:
        syntax.parser.cache_clear()


def test_a_claim_from_an_article_is_read_with_its_article():
    """The point and the figures table read a figure alike: within its article, where another
    sentence shows "Northbridge" is a name; alone, the parser takes it for a common noun."""
    from pipeline.models import Article
    from pipeline.verify.verifier import claim_figures

    claim = "Northbridge shares rose 3% at the close."
    article = Article(id="rival", source="rival", text=f"Northbridge Rail Group will buy Keller Freight. {claim}")
    [alone] = claim_figures(claim, [])
    [within] = claim_figures(claim, [article])
    assert (alone.entity, within.entity) == (None, "Northbridge")
    assert [f.entity for f in extract_figures(claim, owners=False)] == [None]  # values only, no parse


@pytest.mark.parametrize("text, cue, word, actors", [
    ("The clinic has not been officially approved by the court.", "not", "approved", {"court"}),
    ("He is not a doctor.", "not", "doctor", set()),
    ("No decision has been reached on the coach's staff.", "No", "reached", set()),
    ("None of the other teams has been reported to have offered more.", "None", "reported", set()),
    ("Prosecutors have not approved that facility.", "not", "approved", {"prosecutors"}),
], ids=["the verb, not its adverb", "a copula's complement", "the verb of a denied subject",
        "none of them", "the doer"])
def test_what_a_negation_negates_and_who_does_it(text, cue, word, actors):
    negation = syntax.negation_at(text, text.index(cue) + len(cue) - 1)
    assert negation.word == word
    assert {party.word for party in negation.actors} == actors


def test_a_denied_thing_and_the_parties_of_a_statement():
    assert {p.word for p in syntax.negation_at("No decision has been reached.", 0).denied} == {"decision"}
    [stated] = syntax.statements_of("Owner Ada King reached a deal with the coach.", lambda word: word == "reached")
    assert {(p.word, p.name) for p in stated.parties} == {("king", True), ("deal", False)}
    assert not stated.described
    [said] = syntax.statements_of("Dana Price was the main role.", lambda word: word == "role")
    assert said.described


@pytest.mark.parametrize("text, name, source", [
    ("Her rep told People.com she is well.", "People", True),
    ("According to The Hollywood Reporter, Ross will return.", "Hollywood Reporter", True),
    ("A spokesman told Reuters the plant would close.", "Reuters", False),
    ("Putin told NATO on Monday that Russia would not invade.", "NATO", False),
    ("The coach told Jones he was cut.", "Jones", False),
    ("The offer was first reported by ESPN on Friday.", "ESPN", False),
    ("The nomination was confirmed by the Senate on Friday.", "Senate", False),
    ("Mike Lowell confirmed he made an offer.", "Mike Lowell", False),
], ids=["told a web outlet", "according to", "told a wire", "told a body", "told a person", "reported by",
        "confirmed by", "the speaker"])
def test_a_name_that_credits_a_statement(text, name, source):
    """Only a web outlet told, or "according to", is where a fact was reported; whom else one
    told, or by whom it was done or first reported, is a fact itself."""
    at = text.index(name)
    assert syntax.names_a_source(text, at, at + len(name)) is source
