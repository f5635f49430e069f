"""Figures: extraction from the seeds, comparison rules, and the conflict fixture."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY, ROOT, SEED_FILES
from pipeline.ingest.clean import clean_text
from pipeline.apps.cli import app
from pipeline.verify.figure_check import compare, describe, interval, same_entity
from pipeline.verify.figures import extract_figures

SEED = clean_text(SEED_FILES[0].read_text()).text

# The invented third outlet of the conflict fixture: Apple down at the close, Baidu as seed 000 pre-market.
THIRD_OUTLET = ("Apple and Alibaba are working together on AI features for iPhones sold in China, The Information "
                "reported on Tuesday. Apple shares fell 1.5% by the close on Tuesday, while Baidu fell 4.5% in "
                "pre-market trading after the report said Apple had passed over its models.")


def stock_figures(text: str) -> set[tuple]:
    return {(f.entity, f.direction, f.approximator, f.quote, f.basis)
            for f in extract_figures(text) if f.metric == "share price"}


def test_seed_stock_moves_have_entity_direction_and_basis():
    assert stock_figures(SEED) == {
        ("Apple", "up", "over", "1%", "pre-market"),
        ("Alibaba", "up", "over", "1%", "pre-market"),
        ("Baidu", "down", None, "4.5%", "pre-market"),  # "during the same period"
        ("Apple", "up", "more than", "2%", "close"),
        ("Alibaba", "up", None, "1.3%", "close"),
        ("Baidu", "down", None, "4.7%", "close"),
    }


def test_quotes_are_exact_spans():
    for figure in extract_figures(SEED):
        assert SEED[figure.start:figure.end] == figure.quote


def test_each_figure_gets_the_period_written_after_it():
    periods = {f.quote: f.basis for f in extract_figures(SEED) if f.metric == "revenue"}
    assert periods == {"11%": "quarter ending last december", "7.7%": "fiscal year 2024", "2.2%": "fiscal year 2023"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ByteDance will spend $22 billion on tech in 2025.", ("ByteDance", 22e9, "USD")),
        ("Tencent's profit rose to ¥1.2tn last year.", ("Tencent", 1.2e12, "CNY")),
        ("The central bank raised rates by 50 basis points.", (None, 50, "bp")),
    ],
)
def test_money_and_points(text, expected):
    [figure] = extract_figures(text)
    assert (figure.entity, figure.value, figure.unit) == expected


def first(text: str):
    return extract_figures(text)[0]


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("Apple shares gained more than 2% at the close.", "Apple shares rose 2.3% at the close.", "confirmed"),
        ("Apple shares rose 2% at the close.", "Apple shares rose 4% at the close.", "conflicting"),
        ("Apple shares rose 2% at the close.", "Apple shares rose 3% at the close.", "conflicting"),  # they only touch
        ("Apple shares rose 2% at the close.", "Apple shares rose 2.5% at the close.", "confirmed"),
        ("Apple shares rose 2% at the close.", "Apple shares fell 2% at the close.", "conflicting"),
        ("Baidu fell 4.5% pre-market.", "Baidu closed down 4.7% at the close.", "different_basis"),
        ("Apple's market share rose 2% last year.", "Apple's market share rose 2 percentage points last year.",
         "different_basis"),
        ("Alibaba shares rose 1.3% at the close.", "Alibaba Group shares gained 1.3% at the close.", "confirmed"),
        ("Apple shares rose 2% at the close.", "Tencent shares rose 2% at the close.", None),
        ("Apple shares rose about 2% at the close.", "Apple shares rose 2.15% at the close.", "confirmed"),
    ],
)
def test_compare(a, b, relation):
    assert compare(first(a), first(b)) == relation


def test_entity_names_match_fuzzily():
    assert same_entity("Deepseek", "DeepSeek") and same_entity("Alibaba", "Alibaba Group")
    assert not same_entity("Apple", "Alibaba") and not same_entity(None, "Apple")


def test_intervals():
    assert interval(first("Apple rose 2% at the close.")) == (1.5, 2.5)
    assert interval(first("Apple rose more than 2% at the close."))[0] == 2
    assert interval(first("ByteDance will spend $22 billion.")) == (21.5e9, 22.5e9)


def test_conflict_fixture_through_the_cli(tmp_path):
    """A third outlet reports Apple down by the close (a conflict) and Baidu's pre-market fall
    (a confirmation); a fourth, a lightly edited copy of seed 000, confirms nothing: same family."""
    paragraphs = SEED_FILES[0].read_text().split("\n\n")
    edited = [p.replace("tight-lipped", "silent") for p in paragraphs[1:] if not p.startswith("Analysts believe")]
    copy = "\n\n".join(["Apple teams up with Alibaba on AI, report says", "Advertisement", *edited])
    (tmp_path / "more.jsonl").write_text("\n".join([
        json.dumps({"text": THIRD_OUTLET, "outlet": "Invented Daily", "title": "Apple, Alibaba in AI deal"}),
        json.dumps({"text": copy, "outlet": "Copycat Post"}),
    ]))
    runner = CliRunner()
    runner.invoke(app, ["ingest", "--no-index", str(EXAMPLE_STORY)])
    runner.invoke(app, ["ingest", "--no-index", str(tmp_path / "more.jsonl")])
    [story] = json.loads(runner.invoke(app, ["stories", "--json"]).stdout)
    assert len(story["families"]) == 3
    rows = json.loads(runner.invoke(app, ["figures", story["id"], "--json"]).stdout)
    verdict = {(r["entity"], r["quote"], r["basis"], r["outlet"]): r for r in rows if r["metric"] == "share price"}
    assert verdict[("Apple", "2%", "close", None)]["verdict"] == "conflicting"
    assert verdict[("Apple", "1.5%", "close", "Invented Daily")]["verdict"] == "conflicting"
    baidu = verdict[("Baidu", "4.5%", "pre-market", None)]
    assert baidu["verdict"] == "confirmed" and len(baidu["confirming_families"]) == 1
    copied = verdict[("Alibaba", "1.3%", "close", "Copycat Post")]
    assert copied["verdict"] == "single_source"  # its only other source is its own original
    assert rows[0]["verdict"] == "conflicting"  # conflicts come first


def test_up_to_is_an_approximator_not_a_rise():
    capped = first("Apple said revenue could decline by up to 5% next year.")
    assert (capped.direction, capped.approximator) == ("down", "up to")
    assert compare(capped, first("Apple said revenue could decline by as much as 5% next year.")) != "conflicting"
    assert first("Revenue rose to $5 billion last year.").direction == "up"


@pytest.mark.parametrize("text, way", [
    ("Acme cut its sales forecast by 5% on Tuesday.", "down"),
    ("Shares of Los Angeles-based Acme jumped 3% by the close.", "up"),  # "Los" is no loss
    ("Acme shares slid 2% at the close.", "down"),
    ("Acme said its revenue could reach up to 5% more.", None),
    ("Acme's fellow shareholders own 5%.", None),  # a direction word is whole: not "fell" in "fellow"
    ("Dropbox said 5% of users left.", None),
    ("Acme sent 200 diplomats abroad.", None),  # nor inside the figure: "dip" in "diplomats"
])
def test_directions_come_from_the_verifiers_word_list(text, way):
    assert first(text).direction == way


def test_counts_and_ranks_are_figures():
    text = ("Acme, the third-largest chipmaker, hired 200 engineers in 2024 and has 3 million users. "
            "Four people were arrested 35 years ago. In 2024 sales rose for the first time in the second quarter. "
            "Q3 earnings and mRNA-1345 doses were not counted.")
    found = {(f.quote, f.unit, f.value, f.metric) for f in extract_figures(text)}
    assert found == {("third-largest chipmaker", "rank", 3.0, "largest chipmaker"),
                     ("200 engineers", "count", 200.0, "engineers"), ("3 million users", "count", 3e6, "users"),
                     ("Four people", "count", 4.0, "people arrested")}  # not 35 years, the year 2024, "first time"


@pytest.mark.parametrize("text", [
    "Prices are three times higher.", "It trades at 17 times earnings.", "The two companies agreed.",
    "Two thirds of voters agreed.", "Acme rose to 1,200 this year.", "The index closed at 4,500 as traders left.",
    "S&P 500 futures fell.", "Boeing 737 planes were grounded.", "Acme ranked No. 1 in sales.",
    "Acme is the twenty-first largest bank.", "The G7 leaders met.",
])
def test_what_is_no_count_nor_rank(text):
    assert extract_figures(text) == []


@pytest.mark.parametrize("a, b, relation", [
    ("Acme hired 200 engineers in Berlin.", "Acme hired 300 engineers in Berlin.", "conflicting"),
    ("Acme hired 200 engineers in Berlin.", "Acme hired more than 150 engineers in Berlin.", "confirmed"),
    ("Acme hired 200 engineers in Berlin.", "Acme opened 200 stores in Berlin.", None),
    ("Acme is the third-largest chipmaker.", "Acme is the second-largest chipmaker.", "conflicting"),
    ("Acme is the third-largest chipmaker.", "Acme is the 3rd-largest chipmaker.", "confirmed"),
    ("Acme said four people were hurt.", "Acme said 4 people were hurt.", "confirmed"),
    ("Acme said 3 people were hurt.", "Acme said 2 people were killed.", None),  # two things counted
    ("Acme, the No. 2 carmaker, cut prices.", "Acme, the No. 2 carmaker, raised prices.", "confirmed"),
    ("Acme shares rose at least 2% at the close.", "Acme shares rose up to 2% at the close.", "confirmed"),
])
def test_counts_and_ranks_compare(a, b, relation):
    assert compare(first(a), first(b)) == relation


def test_counts_in_words_and_the_whole_a_count_is_of():
    found = {(f.quote, f.value) for f in extract_figures(
        "Twenty-six people were killed, thirty one homes were destroyed and Reform won 34 of the 101 seats.")}
    # not "six people", nor 101 seats
    assert found == {("Twenty-six people", 26.0), ("thirty one homes", 31.0), ("34 of the 101 seats", 34.0)}


def test_a_list_of_results_gives_each_figure_the_name_before_it():
    assert [(f.quote, f.entity) for f in extract_figures("The Centre Party won 11 seats, the Social Democrats 9.0 per cent.")] \
        == [("11 seats", "Centre Party"), ("9.0 per cent", "Social Democrats")]


@pytest.mark.parametrize("a, b", [
    ("Carrow reported revenue of $6.12 billion.", "Carrow expects revenue of $6.3 billion."),
    ("Eesti 200 won nine seats.", "Eesti 200, which won 14 seats in 2023, was reduced to nine."),
    ("The earthquake killed 31 people.", "In 2007, an earthquake killed 500 people."),
    ("Halvorsen will fund the purchase with $3 billion of new debt.", "Halvorsen shares fell 2.1% to $118.40."),
    ("The River Elwood rose to a record 6.4 metres on Sunday.",
     "The River Elwood reached 6.4 metres on Sunday, beating the 1998 record of 6.1 metres."),
    ("Okafor took nearly $430,000 in bribes.", "Okafor was fined $250,000."),
], ids=["expected against reported", "a year's count against now", "another year's event",
        "money of no measure against a share price", "a record of a year against now", "two sums told with two verbs"])
def test_figures_told_of_another_time_or_measure_do_not_conflict(a, b):
    assert not any(compare(mine, theirs) == "conflicting" for mine in extract_figures(a)
                   for theirs in extract_figures(b))


@pytest.mark.parametrize("text, metric", [
    ("Reform's share of the vote fell to 28.4%.", "vote share"), ("The Centre Party won 10.2% of the vote.", "vote share"),
    ("Turnout was 61.4%, officials said.", "turnout"), ("Apple shares rose 2% at the close.", "share price"),
])
def test_an_elections_shares_are_no_share_price(text, metric):
    assert first(text).metric == metric


def test_two_forecasts_of_one_thing_conflict():
    assert compare(first("Carrow expects revenue of $6.12 billion."),
                   first("Carrow expects revenue of $6.3 billion.")) == "conflicting"


def test_a_year_of_another_verb_dates_nothing():
    [eleven] = extract_figures("Lena Voss coached for 11 seasons at the club.")
    [more] = [f for f in extract_figures("Lena Voss was picked in 1990 and coached for 23 seasons with the club.")
              if f.unit == "count"]
    assert compare(eleven, more) == "conflicting"


def test_a_rank_after_a_possessive_ranks_the_subject():
    [rank] = extract_figures("China is Apple's second-largest market.")
    assert (rank.entity, rank.value, rank.metric) == ("China", 2.0, "largest market")


@pytest.mark.parametrize("text, entity", [
    ("China is Apple's second-largest market outside the United States, comprising 15% of sales.", "China"),
    ("Apple's iPhone sales rose 5% in China, accounting for 50% of revenue.", "Apple"),
])
def test_a_figure_in_a_trailing_participle_belongs_to_the_subject(text, entity):
    assert extract_figures(text)[-1].entity == entity


@pytest.mark.parametrize("text, entity", [
    ("Cheeks, who played for the Sixers for 11 seasons, was named coach.", "Cheeks"),  # not the preposition's object
    # "NBA" modifies "career" after "an": it is no subject
    ("Cheeks, 48, logged an impressive 15-year NBA career, spending 11 seasons in Philadelphia.", "Cheeks"),
    # "of" joins a name only as a word: "the Red Sox offered" is not "Red Sox of"
    ("We have a report that the Red Sox offered Mark Teixeira an eight-year, $200 million deal.", "Red Sox"),
])
def test_a_subject_described_by_a_clause_or_an_age_owns_the_figure(text, entity):
    assert extract_figures(text)[-1].entity == entity


def test_a_traders_mm_is_a_million():
    [deal] = extract_figures("The Red Sox offered Mark Teixeira an eight-year, $200MM deal.")
    assert (deal.value, deal.unit, deal.metric) == (200e6, "USD", "deal value")


def test_trading_session_words_are_a_basis_only_in_a_market():
    [bridge] = extract_figures("About 300 homes were evacuated and the main road bridge was closed.")
    assert bridge.basis is None
    [shares] = extract_figures("Acme shares closed 3% higher in New York.")
    assert shares.basis == "close"


@pytest.mark.parametrize("sentence, bases", [
    ("The Halvorsen stock was up 4.5% before the opening bell and ended the session 2.1% higher.",
     ["pre-market", "close"]),
    ("Acme shares finished the trading session down 3%.", ["close"]),
    ("The river ended the day at 6.4 metres.", [None]),
    ("In intraday trading, Acme shares rose as much as 8% before ending the session 2% higher.", ["intraday", "close"]),
], ids=["the session's end after a pre-market move", "the session finished", "a day is no session",
        "the session's end is the next figure's"])
def test_the_end_of_a_session_is_the_close(sentence, bases):
    assert [figure.basis for figure in extract_figures(sentence)] == bases


def test_a_basis_after_the_next_figure_is_that_figures():
    """The closing price is what the premium is measured against, not the offer's basis; a basis
    at the end of a sentence still covers a figure of an earlier clause."""
    offer, premium = extract_figures("Northbridge will pay $31.50 a share in cash, a premium of 27% to Keller's "
                                     "closing price on Friday.")
    assert (offer.metric, offer.basis) == ("price per share", None) and premium.basis == "close"
    apple, alibaba = extract_figures("Apple shares rose 2%, while Alibaba gained 1.3% at the close.")
    assert apple.basis == alibaba.basis == "close"


def test_a_moved_amount_is_never_shown_as_a_negative_amount():
    """'-14%' is a fall; '-2.1 billion euros' would read as a revenue below zero."""
    from pipeline.verify.figure_check import figure_value

    change, level = extract_figures("Harbor Freight's revenue fell 14% to 2.1 billion euros.")
    assert (figure_value(change), figure_value(level)) == ("-14%", "2.1 billion euros (down)")
    assert describe(level) == "Harbor Freight revenue 2.1 billion euros (down)"


def test_the_same_count_said_two_ways_confirms():
    [residents] = extract_figures("Fire crews rescued 45 residents from the flooded houses.")
    [people] = extract_figures("Fire crews rescued 45 people from houses on Riverside Road.")
    assert residents.metric == people.metric == "people"
    assert compare(residents, people) == "confirmed"
    [about] = extract_figures("About 300 homes were evacuated overnight in Elmford.")
    [around] = extract_figures("Around 300 homes in Elmford were evacuated overnight.")
    assert compare(about, around) == "confirmed"
    [british] = extract_figures("The quake struck 32 kilometres below the town of Chala.")
    [american] = extract_figures("The quake struck 32 kilometers below the town of Chala.")
    assert compare(british, american) == "confirmed"
    assert describe(british) == "? 32 kilometres"  # as written
    [killing] = extract_figures("The quake struck on Tuesday, killing 31 people, authorities said.")
    [dead] = extract_figures("The quake shook the region on Tuesday, leaving thirty-one people dead.")
    [injuring] = extract_figures("The quake struck on Tuesday, injuring 31 people, authorities said.")
    assert (killing.metric, dead.metric, injuring.metric) == ("people killed", "people dead", "people injured")
    assert compare(killing, dead) == "confirmed"
    assert compare(killing, injuring) is None  # a toll of the dead is no count of the injured


def test_two_sums_of_no_measure_conflict_when_one_verb_states_both():
    assert compare(first("Okafor was fined $300,000."), first("Okafor was fined $250,000.")) == "conflicting"
    assert compare(first("Elwood reached a record 6.9 metres."), first("Elwood reached a record 6.4 metres.")) == "conflicting"


def test_two_counts_conflict_only_when_one_verb_states_both():
    [evacuated] = extract_figures("Elmford Council evacuated 300 homes on Monday.")
    [more] = extract_figures("Elmford Council evacuated 600 homes on Monday.")
    assert compare(evacuated, more) == "conflicting"
    [hit] = [f for f in extract_figures("Teixeira hit 13 homers in 54 games with the Angels.") if f.metric == "games"]
    [played] = extract_figures("Teixeira played 157 games with the Angels and Braves.")
    assert (hit.predicate, played.predicate) == ("hit", "play")
    assert compare(hit, played) is None  # two facts, not one figure told two ways


def test_one_owner_doing_one_thing_is_one_slot_whatever_else_the_clauses_say():
    """Their clauses share too few words to be one slot by words alone; the parse reads one
    owner (Lena Voss) and one verb (coached)."""
    [eleven] = extract_figures("Lena Voss, who coached for 11 seasons at the club and served as a scout, retired in May.")
    [more] = [f for f in extract_figures("Lena Voss was the second pick of the Harbour draft in 1990 and coached "
                                         "for 23 seasons with the club.") if f.unit == "count"]
    assert (eleven.entity, eleven.predicate) == (more.entity, more.predicate) == ("Lena Voss", "coach")
    assert compare(eleven, more) == "conflicting"


@pytest.mark.parametrize("sentence, entity, metric", [
    ("Northbridge agreed to buy Keller in a deal valued at $2.4 billion.", "Northbridge", "deal value"),  # the subject
    ("Northbridge offered $31.50 a share in cash.", "Northbridge", "price per share"),
    ("Northbridge's offer is a 27% premium to Keller's closing price.", "Northbridge", "premium"),
    ("Shares of Northbridge fell 1% at the close.", "Northbridge", "share price"),
    ("The Dutch-based Keller Group said its revenue rose 5% last year.", "Keller Group", "revenue"),
    ("Helen Marsh said Northbridge runs about 1,100 locomotives.", "Northbridge", "locomotives"),
    ("Northbridge's earnings per share rose to $1.85 for the year.", "Northbridge", "eps"),
    ("Northbridge earned $0.42 per diluted share.", "Northbridge", "eps"),
    ("Northbridge said its operating margin narrowed to 11.4%.", "Northbridge", "margin"),
], ids=["deal value", "offer per share", "premium", "no fragment", "no adjective", "not the speaker",
        "earnings per share", "per diluted share", "a margin"])
def test_entity_and_metric_of_a_takeover_story(sentence, entity, metric):
    [figure] = extract_figures(sentence)
    assert (figure.entity, figure.metric) == (entity, metric)


def test_the_start_of_a_range_takes_the_scale_of_its_end():
    low, high = extract_figures("The Orioles offered $140-150 million over seven years.")
    assert (low.value, high.value) == (140e6, 150e6)
    assert compare(low, extract_figures("The Orioles offered $140 million over seven years.")[0]) == "confirmed"
    low, high = extract_figures("The Orioles made an offer between $140 and $150 million.")
    assert (low.value, high.value) == (140e6, 150e6)
    sales, profit = extract_figures("Sales rose to $140 and profit to $150 million.")  # "and" alone joins no range
    assert (sales.value, profit.value) == (140, 150e6)


def test_a_scale_joined_by_a_hyphen_is_the_amounts():
    """"a $2-billion deal" (a style of Canadian and some US papers) is $2 billion; "a 20-m yacht" is
    no amount of millions."""
    [deal] = extract_figures("Acme agreed to a $2-billion takeover of Beta.")
    assert (deal.value, deal.unit) == (2e9, "USD")
    assert compare(deal, extract_figures("Acme agreed to buy Beta in a $2 billion takeover.")[0]) == "confirmed"
    [contract] = extract_figures("He signed a $1.5-million contract.")
    assert contract.value == 1.5e6
    assert not extract_figures("A 20-m yacht sank off the coast.")


def test_pounds_after_millions_are_money_and_alone_a_weight():
    [fee] = extract_figures("The club paid 60 million pounds for the striker.")
    assert (fee.value, fee.unit) == (60e6, "GBP")
    assert compare(fee, extract_figures("The club paid £60m for the striker.")[0]) == "confirmed"
    assert all(f.unit != "GBP" for f in extract_figures("The boxer lost 20 pounds before the fight."))


def test_percentage_points_are_basis_points():
    [cut] = extract_figures("The bank cut its key rate by 0.25 percentage points.")
    assert (cut.value, cut.unit) == (25, "bp")
    assert interval(cut) == pytest.approx((24.5, 25.5))


@pytest.mark.parametrize("text, value", [
    ("The state sanctioned Rs 500 crore for the road.", 5e9),
    ("It reported a net profit of Rs 1.2 lakh crore.", 1.2e12),
    ("It set aside ₹20 thousand crore.", 2e11),
], ids=["crore", "lakh crore", "thousand crore"])
def test_india_s_scales_are_read_in_rupees(text, value):
    [amount] = extract_figures(text)
    assert (amount.value, amount.unit) == (value, "INR")
    assert not extract_figures("It took 3 years 5 months.")  # "rs 5" of "years 5" is no rupee


def test_a_claim_with_a_hyphened_scale_is_stated_by_the_amount_written_apart():
    from pipeline.index.embed import get_embedder
    from pipeline.verify.verifier import verify_pair

    doc = "Acme Corp agreed on Monday to buy rival Beta Systems in a $2 billion deal, the companies said."
    assert verify_pair("Acme Corp agreed to a $2-billion takeover of Beta Systems on Monday.", doc,
                       get_embedder()).verdict == "confirmed"


STORIES = ROOT / "tests" / "fixtures" / "stories"


def story_brief(name: str):
    """The offline brief of a fixture story (tests/fixtures/stories/NAME.jsonl, text written for testing)."""
    from pipeline.brief.compose import extractive_brief
    from pipeline.grouping import Story
    from pipeline.index.embed import get_embedder
    from pipeline.models import Article
    from pipeline.verify.verifier import families_of

    rows = [json.loads(line) for line in (STORIES / f"{name}.jsonl").read_text().splitlines()]
    articles = [Article(id=r["id"], source=r["id"], title=r["title"], outlet=r["outlet"], text=r["text"]) for r in rows]
    return extractive_brief(Story(name, None, articles, families_of(articles)), get_embedder(), "test")


def test_the_takeover_brief_lists_the_one_real_conflict_first():
    """A wire report, its reprint, a rival and a trade paper: only "fell 1%" against "rose 3%"
    at the close clashes; the deal value, offer price, premium and fleet are confirmed, each once."""
    brief = story_brief("northbridge-takeover")
    assert len(brief.conflicts) == 1 and len(brief.conflict_pairs) == 1
    sides = brief.conflict_pairs[0].sides
    assert {s.citation.quote for s in sides} == {"1%", "3%"} and {s.outlet for s in sides} >= {"The Daily Ledger"}
    assert brief.figures[0].verdict == "conflicting" and brief.figures[0].entity == "Northbridge"
    assert all(r.verdict != "conflicting" for r in brief.figures if r.citation.quote not in ("1%", "3%"))
    for metric, quote in [("deal value", "$2.4 billion"), ("price per share", "$31.50"), ("premium", "27%")]:
        [row] = [r for r in brief.figures if r.metric == metric]
        assert row.verdict == "confirmed" and row.citation.quote == quote and len(row.families) == 3, row
    [fleet] = [r for r in brief.figures if r.metric == "locomotives"]
    assert fleet.verdict == "confirmed" and fleet.entity != "Helen Marsh" and "Marsh" != fleet.entity


def test_the_flood_figures_two_outlets_report_are_confirmed():
    brief = story_brief("elmford-flood")
    rows = {r.citation.quote.split()[-1]: r for r in brief.figures}
    for what in ("homes", "metres", "people"):
        assert rows[what].verdict == "confirmed" and rows[what].outlets == ["County Courier", "Elmford Gazette"]
    assert all(r.basis != "close" for r in brief.figures)  # "the main road bridge was closed"
    assert brief.conflicts == []


def test_the_figures_table_reads_at_a_glance():
    """The figure column holds the figure alone (entity and metric have columns of their own),
    and the outlet column every outlet that reports it."""
    from pipeline.brief.render import to_html, to_markdown

    brief = story_brief("elmford-flood")
    table = to_markdown(brief).split("## Figures")[1].split("## Sources")[0]
    assert "| homes evacuated | about 300 homes |  | County Courier, Elmford Gazette | ✅ confirmed |" in table
    assert "?" not in table
    assert "<td>4.2 metres</td><td></td><td>County Courier, Elmford Gazette</td>" in to_html(brief)
    stored_before = brief.model_copy(update={"figures": [r.model_copy(update={"value": "", "outlets": []})
                                                          for r in brief.figures]})
    assert "? homes evacuated about 300 homes" in to_markdown(stored_before)  # a brief stored before


def test_the_layoffs_brief_lists_its_one_disagreement_once_and_confirms_what_outlets_share():
    """A wire report, its reprint, a rival and a trade paper on job cuts: only the share move
    (3.2% against 2.9%) disagrees. "Softer Asian demand" against "demand from Asia" and a profit
    range against the savings are no conflicts; the jobs and the revenue fall are confirmed."""
    brief = story_brief("harbor-layoffs")
    assert len(brief.conflicts) == 1 and "2.9%" in brief.conflicts[0] and "3.2%" in brief.conflicts[0]
    rows = {(r.metric, r.citation.quote): r for r in brief.figures}
    assert rows[("jobs", "1,200 jobs")].verdict == "confirmed" and rows[("revenue", "14%")].verdict == "confirmed"
    assert {r.entity for r in brief.figures} <= {None, "Harbor Freight", "Harbor Freight Lines"}  # never "Dutch"


def test_the_ruling_brief_cites_only_the_outlets_that_state_each_point():
    """Three outlets on a court ruling. The fee and the sum it raised, which every outlet reports
    and none ties to a name, are confirmed. "The city will not appeal" cites the outlet that says
    so, not the one whose sentences only share "city" with it. (That outlet says the city would
    appeal; aligned no better than the statement, the clash is not flagged: a known miss.)"""
    brief = story_brief("lakeshore-ruling")
    rows = {r.citation.quote: r for r in brief.figures}
    assert rows["$18"].verdict == "confirmed" and rows["$42 million"].verdict == "confirmed"
    points = {p.text: p.claims[0] for p in brief.points}
    appeal = points["The city will not appeal, his office said."]
    assert appeal.verdict == "confirmed" and {c.outlet for c in appeal.citations} == {"Lakeshore Herald", "State Courier"}
    assert points["No refunds were ordered by the court."].verdict == "single_source"  # a sentence sharing "court" states nothing


def test_money_for_each_period_is_a_rate_not_a_total():
    total, rate = extract_figures("The Red Sox offered a deal worth $184 million or $23 million per season.")
    assert (total.unit, rate.unit) == ("USD", "USD per season")
    assert compare(first("The Red Sox made an offer of $160 million."), rate) is None


def test_a_value_compared_with_is_the_earlier_one_not_a_move():
    now, then = extract_figures("Quarterly revenue rose to $5.2 billion from $4.1 billion a year earlier.")
    assert (now.direction, now.compared_with) == ("up", False)
    assert (then.direction, then.compared_with, then.metric, then.unit) == (None, True, "revenue", "USD")


def test_a_value_compared_with_may_leave_out_what_it_counts():
    figures = extract_figures("The dealer sold 1,200 trucks this spring, up from 900 a year before.")
    assert [(f.value, f.metric, f.compared_with) for f in figures] == [(1200, "trucks", False), (900, "trucks", True)]
    assert [f.basis for f in figures][0] is None  # "a year before" is the 900's


def test_values_compared_with_pair_with_the_figures_in_their_order():
    *_, income, per_share = extract_figures(
        "Net income was $41.3 million, or $0.52 per diluted share, compared to $37.9 million, or $0.47 per diluted share.")
    assert (income.metric, income.compared_with) == ("profit", True)
    assert (per_share.metric, per_share.compared_with) == ("eps", True)


def test_from_names_a_source_or_a_time_not_always_a_value_compared_with():
    assert not any(f.compared_with for f in extract_figures(
        "Revenue was $300 million, and revenue from licences was $120 million."))
    assert [f.quote for f in extract_figures("Shares rose 4% from 10 a.m. and sales rose 3% from 2019 levels.")] \
        == ["4%", "3%"]


def test_a_value_compared_with_does_not_conflict_with_the_new_one():
    then = extract_figures("Acme's profit rose to $80 million from $60 million.")[1]
    assert compare(then, first("Acme's profit was $80 million.")) is None
    assert compare(then, first("Acme's profit rose from $60 million.")) == "confirmed"


def test_a_date_written_with_full_stops_is_no_figure():
    assert [f.quote for f in extract_figures("On 08.07.2012 the plant made 400 engines.")] == ["400 engines"]
