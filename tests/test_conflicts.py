"""`conflicting` only for what the evidence shows (issue 13): false-conflict cases written for
these tests, the seeds' verdicts, and verify --claim and --pairs agreeing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY
from pipeline.apps.cli import app
from pipeline.index.embed import get_embedder
from pipeline.verify.align import ANOTHER_NAME, align, writes
from pipeline.verify.figures import extract_figures
from pipeline.verify.figure_check import compare
from pipeline.index.retrieve import Evidence
from pipeline.text.lexicon import verb_forms
from pipeline.verify.verifier import figure_doubt, lexical_judge, verify_pair

EMBEDDER = get_embedder()


def _clash(mine: str, theirs: str):
    """The first pair of figures of the two sentences that compare() finds in conflict."""
    return next((a, b) for a in extract_figures(mine) for b in extract_figures(theirs) if compare(a, b) == "conflicting")


@pytest.mark.parametrize("claim, sentence", [
    ("Northwind's CEO Dana Price opened the plant in Leeds on Tuesday.",
     "Northwind's chief executive Dana Price opened the plant in Leeds on Tuesday."),
    ("Northwind's chief executive said the plant would open in Leeds.",
     "Northwind's president said the plant would open in Leeds."),
    ("Justice Amy Hale wrote for the court in the 5-4 decision upholding the law.",
     "In a 5-4 decision upholding the law, Justice Amy Hale wrote for the court."),
    ("Price told reporters the plant would open in Leeds.",
     "Dana Price told reporters the plant would open in Leeds."),
    ("British activists gathered outside the embassy in Lima.",
     "U.K. activists gathered outside the embassy in Lima."),
    ("The Federal Reserve raised interest rates by a quarter point on Wednesday.",
     "The Fed raised interest rates by a quarter point on Wednesday, its tenth increase in a row."),
], ids=["CEO and chief executive", "chief executive and president", "the same 5-4 vote", "a name in part",
        "a place named two ways", "a name shortened"])
def test_titles_paraphrases_and_the_same_figures_are_no_conflict(claim, sentence):
    assert align(claim, sentence).certain == []


def test_a_unanimous_ruling_every_source_states_is_no_conflict():
    doc = ("The Supreme Court ruled unanimously on Monday that the ban was lawful. "
           "No justice dissented from the opinion.")
    verdict = verify_pair("The justices unanimously ruled on Monday that the ban was lawful.", doc, EMBEDDER)
    assert verdict.verdict == "confirmed", verdict.reasons


def test_another_name_in_the_same_slot_conflicts_and_names_both():
    claim = "Team president Omar Field confirmed the club made an eight-year offer to the pitcher."
    sentence = "Team president Lena Voss confirmed the club made an eight-year offer to the pitcher."
    alignment = align(claim, sentence)
    assert alignment.certain == ["another name in the same slot: Omar Field/Lena Voss"]


def test_a_name_in_another_slot_is_not_certain():
    claim = "Omar Field confirmed the club made an offer to the pitcher."
    sentence = "The pitcher, who met Lena Voss in March, had wanted a longer contract from the club."
    assert align(claim, sentence).certain == []


BUDGET = ("Finance minister Ana Ruiz said on Monday the budget would cut the deficit to 3% of output. "
          "Opposition leader Tomas Vidal said his party would vote against the budget in parliament next week.")


def test_a_name_from_the_next_sentence_does_not_confirm_another_persons_fact():
    """Each sentence alone has half the claim; joined, they have every word of it. The sentence that
    tells what was said names another speaker in the claim's name's place. Not a sure conflict
    (the name swap reads slots by nearby words), but no confirmation."""
    verdict = verify_pair("Opposition leader Ana Ruiz said her party would vote against the budget in parliament.",
                          BUDGET, EMBEDDER)
    assert verdict.verdict == "unsupported"
    assert "gives Ana Ruiz only beside the clause that tells the rest, which gives Tomas Vidal" in verdict.reasons[0]


def test_a_sentence_of_a_window_that_joins_two_parties_does_not_confirm_what_it_states_less_of():
    """"Finance minister Ana Ruiz said the budget would cut the deficit" has the name and some words of
    the claim: enough alignment alone, but less than the joined window, which is no evidence."""
    doc = ("Finance minister Ana Ruiz said the budget would cut the deficit. "
           "Opposition leader Tomas Vidal said his party would vote against the budget.")
    assert verify_pair("Opposition leader Ana Ruiz said her party would vote against the budget.", doc,
                       EMBEDDER).verdict == "unsupported"


def test_a_window_that_joins_two_parties_leaves_a_sentence_that_states_it_all():
    doc = ("Opposition leader Tomas Vidal said his party would vote against the budget. "
           "Coalition leader Ana Ruiz said her party would vote for the budget.")
    assert verify_pair("Opposition leader Tomas Vidal said his party would vote against the budget.", doc,
                       EMBEDDER).verdict == "confirmed"


def test_two_clauses_of_one_sentence_do_not_confirm_a_fact_joined_from_both():
    doc = "Harlow won 88-80 as winger Tom Baird scored 18 points and forward Ola Sten added 11 rebounds."
    verdict = verify_pair("Ola Sten scored 18 points for Harlow.", doc, EMBEDDER)
    assert verdict.verdict == "unsupported"
    assert "gives Ola Sten only beside the clause that tells the rest, which gives Tom Baird" in verdict.reasons[0]
    assert verify_pair("Tom Baird scored 18 points for Harlow.", doc, EMBEDDER).verdict == "confirmed"


def test_a_clause_writes_a_name_only_with_every_capitalised_word_of_it():
    claim = "Dana Holt will host the 40th Bayside Awards."
    assert not writes("the Bayside Academy of Film announced on Friday", "Bayside Awards", claim)
    assert not writes("Channel 4 will broadcast the awards show", "Bayside Awards", claim)
    assert writes("the Bayside Awards, the academy announced", "Bayside Awards", claim)
    assert writes("Holt said", "Holt", claim) and writes("up 40%", "40", claim)


@pytest.mark.parametrize("claim, doc", [
    ("Apex Airlines will cancel 150 flights on Monday.",
     "Apex Airlines will cancel 150 flights on Monday, spokesperson Lara Quinn said, while Delta Air will cancel 40."),
    ("Karen Bass toured the burned area on Wednesday.",
     "Mayor Karen Bass and Governor Gavin Newsom toured the burned area on Wednesday."),
    ("Los Angeles will host the Games in 2028.",
     "Paris, which hosted the Games in 2024, and Los Angeles, which will host them in 2028, signed the agreement."),
], ids=["a clause states it alone", "two subjects of one verb", "a subject named before its clause"])
def test_clauses_that_tell_two_parties_alike_still_confirm_each(claim, doc):
    assert verify_pair(claim, doc, EMBEDDER).verdict == "confirmed"


@pytest.mark.parametrize("claim, doc", [
    ("Corvid Networks shares closed up 11.2% at $48.35 on Wednesday.",
     "Shares of Corvid Networks jumped 14% in premarket trading on Wednesday after the company raised its "
     "forecast. The stock closed up 11.2% at $48.35."),
    ("Britain's jobless rate rose to 4.3% in the three months to February.",
     "Britain's unemployment rate rose to 4.3% in the three months to February, official figures showed. "
     "The jobless rate was 4.2% in the three months to January."),
], ids=["the next sentence tells the figure in the claim's slot", "one sentence states most of it alone"])
def test_a_figure_the_next_sentence_tells_of_the_claims_own_fact_confirms(claim, doc):
    assert verify_pair(claim, doc, EMBEDDER).verdict == "confirmed"


@pytest.mark.parametrize("claim", [
    "Tomas Vidal said his party would vote against the budget.",
    "Ana Ruiz said the budget would cut the deficit to 3% of output, and Tomas Vidal said his party would oppose it.",
    "The budget would cut the deficit to 3% of output, Ana Ruiz said on Monday.",
])
def test_facts_of_two_sentences_each_told_of_its_own_name_are_confirmed(claim):
    assert verify_pair(claim, BUDGET, EMBEDDER).verdict == "confirmed"


def test_a_name_told_in_the_next_sentence_still_confirms_when_nobody_takes_its_place():
    doc = ("Harbor Bank said on Tuesday it would buy Crestline Savings. "
           "Its chief executive, Mara Quinn, said the deal would close by June.")
    assert verify_pair("Harbor Bank expects the deal to close by June, Mara Quinn said.", doc, EMBEDDER).verdict \
        == "confirmed"


@pytest.mark.parametrize("claim, sentence, certain", [
    ("Veteran stage actor Rupert Hale has not retired.",
     "Rupert Hale, the stage actor who toured with the company for four decades, has retired.",
     "one negates what the other states"),
    ("The council is offering a $48,000 grant for the restoration of the mill.",
     "The council is offering a $24,000 grant for the restoration of the mill.", "other figures: 48000 against 24000"),
    ("The Harbour Mill contractor did not have a permit for the demolition work.",
     "The Harbour Mill contractor had a permit for the demolition work.", "one negates what the other states"),
    ("Vera Lind, the painter and sculptor, has not died.",
     "The sculptor and painter, Vera Lind, died on Friday in her sleep.", "one negates what the other states"),
    ("Lind suffered a stroke in May and regained consciousness.",
     "She suffered a stroke in May and never regained consciousness.", "one negates what the other states"),
    ("Dana Price won the Harbour race in Leeds.", "Dana Price could not have won the Harbour race in Leeds.",
     "one negates what the other states"),
    ("Oren Vale was not arrested in Marston on Friday.", "Oren Vale was arrested by Marston police on Friday.",
     "one negates what the other states"),
    ("The committee named the winner of the Harbour prize: Dana Price.",
     "The committee named the winner of the Harbour prize: Tom Reyes.", "another name in the same slot: Dana Price/Tom Reyes"),
    ("Oren Vale was arrested by Marston police on Friday.", "Marston police arrested Dana Price on Friday.",
     "another name in the same slot: Oren Vale/Dana Price"),
    ("The Harbour Trust will open its second office in Glasgow next spring.",
     "The Harbour Trust will open its second office in Bristol next spring.",
     "another name in the same slot: Glasgow/Bristol"),
], ids=["a negation against a clause commas cut from its name", "amounts with thousands separators",
        "having denied against having", "a negated clause apart from the name both state",
        "a negated clause after the clause both state", "have after a modal is no having",
        "a passive negation of the active's object",
        "a name after a sentence's colon", "the one done to, in the passive and the active",
        "two cities far apart"])
def test_what_turns_a_claim_for_certain(claim, sentence, certain):
    assert align(claim, sentence).certain == [certain]


@pytest.mark.parametrize("claim, sentence", [
    ("Veteran stage actor Rupert Hale has not retired.",
     "Mona Pratt, the stage actor who toured with the company for four decades, has retired."),
    ("The council is offering a $48,000 grant for the restoration, officials said.",
     "The council, officials said, is taking calls on 0800 7421 about the restoration grant."),
    ("The chief executive blamed softer Asian demand and falling freight rates.",
     "The chief executive said the company was hit by weaker demand from Asia and lower freight rates."),
    ("The carrier lowered its forecast for operating profit to 350 million euros.",
     "The restructuring would deliver annual savings of 150 million euros."),
    ("Activists poured yellow paint outside the embassy in Paris.",
     "British activists poured yellow paint outside the embassy. Net income in the quarter fell."),
    ("A gunman opened fire at an office Christmas party in Leeds, killing two people.",
     "A gunman opened fire at an office party in Leeds, killing Dora Pike and one other man."),
    ("The planning committee discussed the need for a traffic model of the harbour district.",
     "Ward: we have the cost model and the noise model, but we don't have the traffic model of the harbour yet."),
    ("Tom and Rosa will paint the fence, while Gina will cook the dinner.",
     "Tom: Sure, Rosa will paint the fence."),
    ("The Blue Anchor in Marston is remembered as a lost music venue.",
     "The next venue that one Gordon misses is the Blue Anchor, a lost music venue."),
    ("The letter is from Harbor Tech, offering Tom Reyes tools that can help grow his company.",
     "At Harbor Tech, I cannot help but notice that Tom Reyes, your company, has grown fast."),
    ("Tom Reyes spoke at the Leeds meeting, and Dana Price did not resign.",
     "At the Leeds meeting, Tom Reyes resigned."),
    ("A judge in Marston County sentenced Oren Vale on Friday to two life terms.",
     "A Dunmore judge sentenced Oren Vale on Friday to two life terms."),
    ("The recall was first reported by HFN, the trade weekly.",
     "The recall was first reported by Harbour Freight News, the trade weekly."),
    ("Coach Dale Moss retired in 1994 after a long career with the Gulls.",
     "Coach Dale Moss went 212-187 in a long career with the Gulls."),
    ("The ferry strike ended on Nov. 30 after a vote by the crews.",
     "The ferry strike ended after a vote by the crews, union leader Ada Kern, 52, said."),
    ("The board approved the plan earlier this month in Leeds.",
     "The board approved a ten-year plan in Leeds."),
    ("The plant opened on 08.07.2012 with up to 40 staff.", "The plant opened with 35 staff on 08.07.2012."),
    ("The Elm House clinic has not been officially approved by the court.",
     "Elm House officials in Marston said the clinic had opened."),
    ("The lawyer arranged the move to Elm House, but prosecutors have not approved the clinic.",
     "The lawyer told the court that Elm House should hold her until a judge approves the clinic."),
    ("No decision has been reached on Coach Moss's staff at the Gulls.",
     "Owner Ada King reached a deal with Coach Moss after telling the Gulls' staff of the decision."),
    ("The Gulls' spokesman would not reveal what Moss is being treated for.",
     "The Gulls' spokesman declined to reveal what Moss is being treated for."),
    ("Keith offers the surplus fish to Alex.", "Keith: No more fish for Alex."),
    ("Dana Price got a role in the Marston film through a choreographer.",
     "None of what Dana Price got in the Marston film was the main role."),
    ("Far less is known of Vera Lind's life, at least the last five decades of it.",
     "Vera Lind refused to be photographed in the last two decades of her life."),
    ("Roughly three thousand homes in Fairview lost water service after a main broke early Saturday.",
     "A main break early on Saturday left about 3,000 households in Fairview without water service."),
    ("The earthquake killed 31 people in the Ica region.", "In 2007, a quake in the Ica region killed 500 people."),
    ("Carrow reported revenue of $6.12 billion for the quarter.", "Carrow expects revenue of $6.3 billion for the quarter."),
    ("Adjusted earnings were $1.91 a share, the company said on Tuesday.",
     "Revenue was $6.4bn, the company said on Tuesday."),
    ("The company has operated in Russia for more than 25 years.",
     "The company has operated in Russia for more than 30 years."),
    ("Firefighters failed to save the building on Main Street.",
     "Firefighters battled for hours to save the building on Main Street."),
    ("Conservative MPs turned on May after the election.", "Conservative MPs turned on Theresa May in June."),
    ("On June 30, 150 workers were laid off at the plant.", "On June 30 150 workers were laid off at the plant."),
    ("Vera Lind opened her first gallery in Hollywood in 1998.",
     "Vera Lind opened her first gallery in Los Angeles in 1998."),
    ("Vera Lind opened her first gallery in Manchester in 1998.",
     "Vera Lind opened her first gallery in Salford in 1998."),
    ("Sentencing for Mark Ellison was set for March 28.", "Judge Carol Baker set sentencing for March 28."),
], ids=["a negation of another name beyond the commas", "an amount and a bare number",
        "a nationality and its place", "two amounts sharing only their scale words",
        "a name that starts the window's next sentence", "a holiday is a date, not a name",
        "lacking a thing denies no need of it", "a capital after a speaker's colon", "a person and a place",
        "an idiom that negates nothing", "a negation of another subject", "two places, one may hold the other",
        "an acronym of the name", "a year against a record", "a day against an age",
        "a unit of time without the same count", "a date written with full stops",
        "a negation of the verb, not of its adverb", "a negation of what other people do",
        "no decision against one reached by someone", "declined to say is not saying",
        "a denial in no statement", "what it is not against what it does",
        "two counts said with two verbs", "lost against without", "another year", "expected against reported",
        "a rate against a total", "two bounds the same way", "failed to against tried to", "May the name",
        "a day and a count", "a district within its city", "two towns side by side",
        "one named beside what the other did"])
def test_what_does_not_turn_a_claim_for_certain(claim, sentence):
    assert align(claim, sentence).certain == []


@pytest.mark.parametrize("claim, sentence", [
    ("Fleet Tracker and Custom Reports track rivals' vans.", "Fleet Tracker: Keeping track of rivals' vans."),
    ("In the debate, MPs asked if the harbour levy is charged on ferry fares or cargo fees.",
     "Well, the levy is simple.\nMP F: Is the harbour levy charged on ferry fares or cargo fees?"),
], ids=["a capital after a heading's colon", "an acronym's plural"])
def test_what_is_no_other_name(claim, sentence):
    assert not [turn for turn in align(claim, sentence).turns if turn.startswith(ANOTHER_NAME)]


@pytest.mark.parametrize("claim, sentence", [
    ("Mara Quill confirmed on Monday that the club made an offer to the striker.",
     "David Kern confirmed on Monday that the club made an offer to the striker."),
    ("Coach Dale Moss retired in 1994 after a long career with the Gulls.",
     "Coach Dale Moss retired in 1997 after a long career with the Gulls."),
    ("The board announced a two-week delay to the harbour works.",
     "The board announced a two-month delay to the harbour works."),
    # Words are read in overlapping pairs: with one word fewer before the count, a reading of
    # disjoint pairs saw "a two-week" as no pair and found no count.
    ("Board announced a two-week delay to the harbour works.",
     "Board announced a two-month delay to the harbour works."),
    ("Vera Lind was photographed in the last five decades of her life.",
     "Vera Lind was photographed in the last two decades of her life."),
], ids=["two people in one slot", "two years", "one count of two units", "the count at an odd word",
        "two counts said with one verb"])
def test_a_value_swapped_in_one_slot_turns_a_claim_for_certain(claim, sentence):
    assert align(claim, sentence).certain


@pytest.mark.parametrize("mine, theirs, doubt", [
    ("The Orioles offered Teixeira a seven-year deal worth between $140 million and $150 million.",
     "The Orioles have offered Teixeira a deal worth $150 million.", "several values"),
    ("The Nationals and the Post reported that Teixeira has a deal worth $160 million.",
     "Boston and ESPN reported that Teixeira has a deal worth $200 million.", "different actors"),
    ("Smith spent four seasons as the team director of scouting.",
     "Smith has spent 19 seasons with the team.", "restricted"),
    ("Lena Voss spent six seasons as an assistant coach with the Harbour club.",
     "Lena Voss spent three seasons as head coach of the Harbour club.", "different parts"),
], ids=["a range", "two bidders", "a part against the whole", "two roles"])
def test_a_figure_clash_in_doubt_is_said_and_not_a_conflict(mine, theirs, doubt):
    # The first two figures of the same unit and different values: compare() may already leave
    # them apart (the range's entity is read as Teixeira on one side, the Orioles on the other).
    a, b = next((a, b) for a in extract_figures(mine) for b in extract_figures(theirs)
                if a.unit == b.unit and a.value != b.value)
    assert doubt in (figure_doubt(a, b) or "")


def test_two_bidders_are_two_entities_and_never_compared():
    [nationals] = extract_figures("The Nationals offered Teixeira an eight-year deal worth $160 million.")
    [red_sox] = extract_figures("The Red Sox offered Teixeira an eight-year deal worth $200 million.")
    assert (nationals.entity, red_sox.entity) == ("Nationals", "Red Sox")
    assert compare(nationals, red_sox) is None


def test_one_role_said_two_ways_is_the_same_part():
    a, b = _clash("Lena Voss spent six seasons as a coach with the Harbour club.",
                  "Lena Voss spent three seasons as coach with the Harbour club.")
    assert figure_doubt(a, b) is None


def test_a_restriction_said_of_another_verb_restricts_nothing():
    """"as an assistant coach" is said of the serving, not of the 11 seasons played."""
    a, b = _clash("Lena Voss played for the Harbour club for 11 seasons and served as an assistant coach for seven.",
                  "Lena Voss was a second-round pick in 1990 and played for 23 seasons with the Harbour club.")
    assert (a.predicate, b.predicate) == ("play", "play") and figure_doubt(a, b) is None


@pytest.mark.xfail(strict=True, reason="known miss: the speaker ('Police said') is no longer a figure's entity, and "
                                        "two counts that name no entity are never compared (figure_check.compare)")
def test_the_same_count_stated_otherwise_stays_a_conflict():
    a, b = _clash("Police said 12 people were injured in the riots.", "Police said 18 people were injured in the riots.")
    assert figure_doubt(a, b) is None


def _judged(claim: str, sentence: str) -> str:
    return lexical_judge(claim, [Evidence("a", "outlet", 0, len(sentence), sentence, 1.0, None, None, None)])[0]


def test_numbers_the_figures_doubt_are_in_doubt_and_only_those():
    """The words' "other figures" defer to the figures' doubts (a source that also states the
    claim's value reports several), but only for the numbers those figures hold."""
    offer = "Newsday says Dana Price still has an eight-year offer from the Gulls, worth roughly $22 million per season."
    deal = "Ada King said the Gulls offered Dana Price, 28, an eight-year deal worth $184 million or $23 million per season."
    assert _judged(offer, deal) == "unsupported"
    assert _judged("The firm was founded in 1998 and is worth $5 million.",
                   "The firm was founded in 1995 and is worth $5 million or $6 million.") == "conflicting"


def test_two_outlets_a_statement_was_told_to_are_in_doubt_not_in_conflict():
    """Neither confirmed nor conflicting: the sources differ on where the fact was reported."""
    claim = '"Tara Reid has checked herself into Promises Treatment Center," her rep told UsMagazine.com.'
    sentence = "Tara Reid has finally entered Malibu Promises Treatment Center on Tuesday, her rep told People.com."
    alignment = align(claim, sentence)
    assert not alignment.certain and any(turn.startswith(ANOTHER_NAME) and "where it was reported" in turn
                                         for turn in alignment.turns)
    assert align("The coach told Mara Quill on Monday she was cut from the squad.",
                 "The coach told Dana Price on Monday she was cut from the squad.").certain


@pytest.mark.parametrize("claim, sentence", [
    ("About 400 people attended the vigil on Sunday.", "Between 300 and 500 people attended the vigil on Sunday."),
    ("Between 300 and 500 people attended the vigil on Sunday.", "About 400 people attended the vigil on Sunday."),
    ("Some 300 to 500 people attended the vigil on Sunday.", "About 400 people attended the vigil on Sunday."),
], ids=["a value in the sentence's range", "the claim's range", "a range with to"])
def test_a_value_within_a_range_is_no_other_figure(claim, sentence):
    assert align(claim, sentence).certain == []
    assert align("About 600 people attended the vigil on Sunday.",
                 "Between 300 and 500 people attended the vigil on Sunday.").certain  # outside it


@pytest.mark.parametrize("claim, sentence, other", [
    ("Acme agreed on Monday to buy Beta for $1.2 billion in cash.",
     "Acme agreed on Monday to buy Beta for $1,200 million in cash, the companies said.",
     "Acme agreed on Monday to buy Beta for $1,300 million in cash, the companies said."),
    ("The city will spend 4,500,000 euros on the bridge, the mayor said on Friday.",
     "The city will spend 4.5 million euros on the bridge, the mayor said on Friday.",
     "The city will spend 5.5 million euros on the bridge, the mayor said on Friday."),
    ("Police said 20,000 people marched through Lyon on Saturday.",
     "Police said 20 000 people marched through Lyon on Saturday.",
     "Police said 30 000 people marched through Lyon on Saturday."),
], ids=["billions and millions", "digits and millions", "thousands set apart by a space"])
def test_one_amount_written_two_ways_states_it(claim, sentence, other):
    assert _judged(claim, sentence) == "confirmed"
    assert _judged(claim, other) == "conflicting"  # another amount, however written


def test_the_same_number_at_another_scale_is_another_amount():
    assert _judged("Acme agreed on Monday to buy Beta for $1.2 billion in cash.",
                   "Acme agreed on Monday to buy Beta for $1.2 million in cash, the companies said.") == "conflicting"


def test_two_values_of_two_named_others_are_two_facts():
    """A number in one slot conflicts only when it is of the same one, or of no one named."""
    assert align("Jones scored in the 3rd minute for Chelsea on Sunday.",
                 "Smith scored in the 73rd minute for Chelsea on Sunday.").certain == []
    assert align("Acme said it would hire 200 people in Leeds.",
                 "Northwind said it would hire 300 people in Leeds.").certain == []
    assert align("Jones scored in the 3rd minute for Chelsea on Sunday.",
                 "Jones scored in the 73rd minute for Chelsea on Sunday.").certain
    assert align("Acme said it would hire 200 people in Leeds.",
                 "Acme Corp said it would hire 300 people in Leeds.").certain  # one name said two ways
    assert align("Police said 15 people died in Lyon.", "Police said 20 people died in Lyon.").certain
    # an owner the other sentence names too is no other owner, however the parse reads "its"
    assert align("The Falcon drone carried 24 parcels on Friday.",
                 "Startup Aerodyn said its Falcon drone carried 22 parcels on Friday, a record.").certain


def test_a_move_is_of_its_own_figure_in_its_own_sentence():
    window = ("The dollar fell to a two-month low against the yen on Monday, after bets on rate cuts. "
              "The euro rose 0.4% to $1.0950.")
    assert align("The euro fell 0.4% against the dollar on Monday.", window).certain


def test_pairs_catch_a_changed_amount_in_the_same_slot():
    doc = "Harlow Foods said on Tuesday it would buy Crestline for $1.2 billion in cash. The deal closes in May."
    assert verify_pair("Harlow Foods said it would buy Crestline for $2.1 billion in cash.", doc, EMBEDDER).verdict \
        == "conflicting"


def test_a_number_stated_in_another_word_order_is_in_the_same_slot():
    """The sentence states the claim but for the amount: the words between put "buy" out of a fixed
    window of slot words around "$1.6 billion"."""
    assert align("Penrose Mills agreed to buy Castleford for $6.1 billion in cash.",
                 "Penrose Mills said on Tuesday it would buy regional bakery chain Castleford for $1.6 billion "
                 "in cash, its largest acquisition in a decade.").certain == ["other figures: 6.1 against 1.6"]


@pytest.mark.parametrize("claim, sentence", [
    ("Mira Holt, who is 41, is set to play eight shows in Oslo next June in a new arena that holds 30,000.",
     "Singer Mira Holt will perform 8 concerts in Oslo next June at a temporary 30,000-seat arena built for the "
     "shows, her promoter said on Friday."),
    ("Acme's profit rose 8% in the quarter.", "Acme's revenue rose 12% in the quarter, and its profit also rose."),
    ("Police said 15 people were injured in the clashes in the city.",
     "Police said 20,000 people marched through the city during the clashes."),
    # several values each and none in common: another account (a season's line, a game's)
    ("Playing in 150 games for the Gulls, Ortiz hit 31 homers and drove in 104 runs.",
     "Ortiz hit 12 homers and drove in 40 runs in 61 games for the Gulls."),
    # stated but for the amount, but not told alike: the word before, the word after
    ("Penrose Mills agreed to buy Castleford for $6.1 billion in cash.",
     "Penrose Mills said on Tuesday it would buy regional bakery chain Castleford, whose owners had sought "
     "$1.6 billion in cash."),
    ("Penrose Mills agreed to buy Castleford for $6.1 billion in cash.",
     "Penrose Mills said on Tuesday it would buy regional bakery chain Castleford, paying in cash, and would take on "
     "$1.6 billion in debt."),
], ids=["an age against a count", "another metric around the number", "a count of another fate",
        "two lines of figures", "another word before", "another word after"])
def test_a_number_of_something_else_is_in_no_slot_of_the_claims(claim, sentence):
    assert not align(claim, sentence).certain


@pytest.mark.parametrize("claim, sentence", [
    ("The Senate voted 55-45 to confirm Dana Price as secretary of labor.",
     "The Senate voted 52-48 on Tuesday to confirm Dana Price as secretary of labor."),
    ("Ortiz hit 31 homers and drove in 104 runs for the Gulls.", "Ortiz hit 13 homers and drove in 104 runs for the Gulls."),
    ("The Gulls have made Ortiz an eight-year, $200 million offer, AM 570 reported.",
     "The Gulls have made Ortiz an eight-year offer of $160 million, though a sportscaster reported $184 million on "
     "AM radio."),
    ("The plane carried 180 passengers and 6 crew.", "The plane carried 150 passengers and 7 crew."),
    ("Acme's revenue rose 8% in the quarter.", "Acme's sales rose 12% in the quarter."),
    ("Police arrested 30 people after the march in Paris.", "Police arrested 45 protesters after the march in Paris."),
], ids=["a vote is one value", "one value changed among values that agree", "one amount against two",
        "two values changed", "one metric said two ways", "people and some of them"])
def test_one_changed_value_among_others_is_certain(claim, sentence):
    assert align(claim, sentence).certain


def test_a_sentence_of_many_changed_amounts_is_aligned_once_per_amount(monkeypatch):
    """The claim stated but for one number is aligned only once its numbers are all stated: trying
    each number again inside that alignment made six changed amounts cost 1,726 alignments."""
    import pipeline.verify.align as module

    calls, aligned = [], module._align
    monkeypatch.setattr(module, "_align", lambda *args: calls.append(args) or aligned(*args))
    depots = ("Leeds", "York", "Hull", "Bath", "Wells", "Ely")
    claim = "Northgate paid " + ", ".join(f"${n} million for the {d} depot" for n, d in enumerate(depots, 1)) + "."
    sentence = "Northgate said it had paid " + ", ".join(f"${n} million for the {d} depot"
                                                     for n, d in enumerate(depots, 11)) + ", filings show."
    align(claim, sentence)
    assert len(calls) <= 1 + len(depots) ** 2


def test_a_declined_clause_leaves_the_other_clauses_checked():
    assert align("The company declined to reveal the price and the company signed the merger deal.",
                 "The company would not reveal the price, and it did not sign the merger deal.").certain


def test_a_text_too_long_for_the_parser_is_read_as_far_as_it_goes():
    long = "The company cut 300 jobs in the fourth quarter. " * 21000  # over spaCy's million characters
    assert align("The company cut 200 jobs in the third quarter.", long).score > 0


def test_verify_claim_and_pairs_agree_on_a_swapped_title(tmp_path):
    """'governor' for 'mayor': the same verdict from --claim on the doc and from --pairs."""
    doc = "City officials gathered downtown on Monday morning. The mayor opened the new bridge over the river on Monday."
    claim = "The governor opened the new bridge over the river on Monday."
    (tmp_path / "doc.txt").write_text(doc)
    (tmp_path / "rows.jsonl").write_text(json.dumps({"id": 1, "doc": doc, "claim": claim}) + "\n")
    runner = CliRunner()
    single = json.loads(runner.invoke(app, ["verify", "--claim", claim, str(tmp_path / "doc.txt"), "--json"]).stdout)
    [row] = [json.loads(line) for line in runner.invoke(app, ["verify", "--pairs", str(tmp_path / "rows.jsonl")]).stdout.splitlines()]
    assert single["verdict"] == row["verdict"] == "unsupported"
    assert any("governor" in reason for reason in row["reasons"]) and any("governor" in r for r in single["reasons"])


def test_verify_json_names_the_one_family_and_shows_confirming_families():
    runner = CliRunner()
    result = runner.invoke(app, ["verify", "--claim", "By the closing bell, Apple had gained more than 2%",
                                 str(EXAMPLE_STORY), "--json"])
    out = json.loads(result.stdout)
    assert out["verdict"] == "single_source" and len(out["confirming_families"]) == 1
    assert "000_37c9d46621587dce.txt" in out["reasons"][0]  # the family, by the file it was read from
    shared = "Initially, Baidu was selected as a key partner"
    out = json.loads(runner.invoke(app, ["verify", "--claim", shared, str(EXAMPLE_STORY), "--json"]).stdout)
    assert out["verdict"] == "confirmed" and len(out["confirming_families"]) == 2


def test_a_conflict_names_both_quotes():
    from pipeline.models import Article
    from pipeline.verify.verifier import verify

    doc = Article(id="doc", source="test", text="By the closing bell, Acme had gained more than 2%, traders said.")
    [verdict] = verify(["Acme shares fell 1.5% at the close."], [doc], EMBEDDER)
    assert verdict.verdict == "conflicting"
    assert "“Acme shares fell 1.5% at the close.”" in verdict.reasons[0] and "gained more than 2%" in verdict.reasons[0]


def _articles(*texts: str):
    from pipeline.models import Article

    return [Article(id=f"outlet{n}", source=f"outlet{n}", text=text) for n, text in enumerate(texts)]


def test_a_source_negating_a_claim_more_closely_than_another_states_it_makes_it_conflicting():
    from pipeline.verify.verifier import families_of, verify_claim

    articles = _articles("The council voted to close the library, and the city will not appeal, his office said.",
                         "The council voted to close the library. The city said it would not appeal the ruling.",
                         "The council voted to close the library. The city will appeal, the mayor's office said.")
    families = families_of(articles)
    own = next(f.id for f in families if articles[0] in f.articles)
    verdict = verify_claim("The city will not appeal, his office said.", families, own, EMBEDDER)
    assert verdict.verdict == "conflicting" and verdict.confirming_families == []
    assert "“The city will appeal, the mayor's office said.”" in verdict.reasons[0]


def test_a_window_sharing_one_word_of_a_claim_without_names_or_figures_does_not_state_it():
    doc = "The court ruled on Thursday that the levy was unlawful, a decision that could cost the city millions."
    assert verify_pair("The city will not appeal, his office said.", doc, EMBEDDER).verdict != "confirmed"


@pytest.mark.parametrize("claim, other", [
    ("The law protects 1,400 species.",
     "Interior officials said other parts of the law will ensure that the species are protected."),
    # "30" of "5:30 p.m." is no "30 miles": a time is one number
    ("The explosion occurred Friday at a West Coast Bank branch in Woodburn, about 30 miles south of Portland.",
     "A bomb exploded Friday at a West Coast Bank branch in Woodburn. It went off around 5:30 p.m. in Portland."),
    # "2" of "March 2" is no "2 percent"
    ("The Springfield council gave 2 percent of its budget to schools, the mayor said.",
     "The Springfield council gave its budget to schools on March 2, the mayor said."),
])
def test_a_source_that_lacks_the_claims_number_does_not_confirm_it(claim, other):
    verdict = _verified(claim, other)
    assert verdict.verdict == "single_source" and verdict.confirming_families == []


def _verified(claim: str, other: str):
    """The claim, as the first outlet's, verified against the other's text."""
    from pipeline.verify.verifier import families_of, verify_claim

    articles = _articles(claim, other)
    families = families_of(articles)
    own = next(f.id for f in families if articles[0] in f.articles)
    return verify_claim(claim, families, own, EMBEDDER)


def test_a_source_that_names_no_day_of_the_claims_does_not_confirm_it():
    def verdict(claim: str, other: str) -> str:
        return _verified(claim, other).verdict

    claim = "On Tuesday, the Harbour club fired Lena Voss as head coach of its first team."
    assert verdict(claim, "The Harbour club has fired Lena Voss as head coach of its first team.") == "single_source"
    assert verdict(claim, "The Harbour club fired Lena Voss as head coach of its first team on Tuesday.") == "confirmed"
    assert verdict("In January, the Harbour club fired Lena Voss as head coach of its first team.",
                   "The Harbour club fired Lena Voss as head coach of its first team on Jan. 12, officials said.") \
        == "confirmed"
    # the day may be named in the source's next sentence, as a year may
    assert verdict(claim, "The Harbour club has fired Lena Voss as head coach of its first team. "
                          "The club said so on Tuesday.") == "confirmed"


def test_may_and_march_are_months_where_they_read_as_one():
    assert align("Pierce pleaded guilty in June to wire fraud.", "Pierce pleaded guilty in March to wire fraud.").certain
    assert align("The plant closed on May 3.", "The plant closed on June 3.").certain
    assert align("Theresa May said the plan would work.", "Theresa May said the plan would work.").certain == []
    assert align("Protesters may march on Friday.", "Protesters will march on Friday.").certain == []
    claim = "In March, the Harbour club fired Lena Voss as head coach of its first team."
    assert _verified(claim, "The Harbour club fired Lena Voss as head coach of its first team.").verdict \
        == "single_source"  # the month is a fact the source must name
    assert _verified(claim, "The Harbour club fired Lena Voss as head coach of its first team on March 12, "
                            "officials said.").verdict == "confirmed"


def test_a_time_is_one_number():
    from pipeline.text.lexical import numbers

    assert numbers("The bomb went off at 5:30 p.m., 30 miles away; the score was 3:1.") == {"5:30", "30", "3:1"}
    assert numbers("SARS-CoV-2 vaccine sales of $5bn in Q2") == {"5"}  # labels, as figures read them
    # thousands set apart by a space ("000"), or by a no-break space; not a phone number's parts
    assert numbers("20 000 people, 4\u00a0500 homes, 0800 555 111") == {"20000", "4500", "0800", "555", "111"}
    assert numbers("a magnitude-8.0 quake") == {"8.0"}  # a decimal after a word's hyphen is a value, with no "0"
    assert numbers("on 08.07.2012, 5.0% and $1,200 million", as_in="$1.2 billion, 5%") == {"08.07.2012", "5.0", "1.2"}


def test_a_quantity_must_be_in_the_confirming_sentence_another_number_may_be_near_it():
    def verdict(claim: str, other: str) -> str:
        return _verified(claim, other).verdict

    # "25" elsewhere in the source counts officers, not the injured
    assert verdict("Police said 25 people were injured in the riots in Athens.",
                   "Police said people were injured in the riots in Athens on Wednesday. The unions had called "
                   "the strike weeks ago. Some 25 officers guarded the parliament building.") == "single_source"
    # an age told in another sentence of the source
    assert verdict("Brian Nichols, 37, was found guilty of murder in Atlanta.",
                   "Nichols is 37 and grew up in Baltimore. He escaped from the courthouse during his rape trial. "
                   "Brian Nichols was found guilty of murder in Atlanta.") == "confirmed"


@pytest.mark.parametrize("base, form", [
    ("concede", "conceded"), ("top", "topped"), ("break", "broke"), ("win", "won"), ("lose", "lost"),
    ("deny", "denied"), ("commit", "committed"), ("bring", "brought"), ("stolen", "stole")])
def test_a_verbs_forms_are_made_from_its_base(base, form):
    assert form in verb_forms(base)


def test_no_form_is_made_that_is_another_word():
    assert not {"seed", "votes", "ruling", "wines"} & (verb_forms("see") | verb_forms("vote") | verb_forms("rule")
                                                      | verb_forms("win"))


@pytest.mark.parametrize("claim, sentence", [
    ("The Marston council did not roll back the parking rules.",
     "The Marston council's role in the parking rules was criticised."),
    ("The Marston striker did not leave the Harbour club in January.",
     "The Marston striker, a left back at the Harbour club, was injured in January."),
    ("Prices did not rise at the Harbour Mill shop, Rose Patel said.",
     "Rose Patel said prices at the Harbour Mill shop were stable."),
    ("Crestline paid next to nothing for the Harbour Mill site.", "Crestline paid for the Harbour Mill site in cash."),
    ("Senator Ada King did not vote on the Harbour Mill bill.",
     "The Harbour Mill bill passed with 62 votes, Senator Ada King said."),
    ("The Marston court did not rule on the Harbour Mill appeal.",
     "The Marston court's ruling on the Harbour Mill appeal is expected in May."),
    ("Dana Price came out of nowhere to win the Harbour race.", "Dana Price won the Harbour race."),
], ids=["a noun spelt like a verb's form", "a form as often an adjective", "a name", "next to nothing",
        "a plural noun", "a noun in -ing", "out of nowhere"])
def test_what_only_looks_like_the_negated_verb_is_no_conflict(claim, sentence):
    assert align(claim, sentence).certain == []


@pytest.mark.parametrize("claim, sentence", [
    ("The Harbour Mill board refused to approve the sale to Crestline.",
     "The Harbour Mill board approved the sale to Crestline on Monday."),
    ("Dana Price failed to break the Harbour race record in Leeds.",
     "Dana Price broke the Harbour race record in Leeds on Friday."),
    ("The Marston union did not stop the strike at the Harbour plant.",
     "The Marston union stopped the strike at the Harbour plant."),
    ("Nothing in the Harbour Mill contract requires the council to sell the land.",
     "The Harbour Mill contract requires the council to sell the land."),
    ("The Harbour Mill council has yet to approve the sale to Crestline.",
     "The Harbour Mill council approved the sale to Crestline on Monday."),
], ids=["a verb ending in e", "an irregular past", "a doubled consonant", "nothing, a negation", "has yet to"])
def test_a_negated_verb_meets_the_form_the_other_states(claim, sentence):
    assert align(claim, sentence).certain == ["one negates what the other states"]


def test_what_has_yet_to_happen_on_both_sides_is_no_conflict():
    assert align("Dana Price has yet to win a race for the Harbour club.",
                 "Dana Price has yet to win a race for the Harbour club this season.").certain == []


def test_a_negation_that_negates_no_word_turns_nothing():
    assert align("Harbour Mill workers were told they would not.", "Harbour Mill workers were told they would.").certain == []


@pytest.mark.parametrize("claim, sentence", [
    ("Other bidders for the mill are Harbor Bank ($1.5 billion), Crestline Savings and Vale Capital.",
     "None of the other bidders for the mill -- Harbor Bank, Crestline Savings and Vale Capital -- has been "
     "reported to have offered more than $1.5 billion."),
    ("Never before in league history have coaches been fired this early in the season.",
     "Price is the fifth league coach to be fired this season."),
    ("The rules would let agencies skip the review if they decide that the species would not be harmed.",
     "Under the rules, agencies can check with their own staff to decide if their projects will harm any species."),
    ("Director Gary Ross will resume talks with Lionsgate about returning for the Hunger Games sequel on Monday.",
     "Reports said Gary Ross would not be returning for the Hunger Games sequel, but he will resume talks with "
     "Lionsgate on Monday."),
], ids=["a subject cut off from its verb by dashes", "a circumstance denied", "supposed on both sides",
        "what talks are about"])
def test_a_negation_that_denies_nothing_the_other_states_turns_nothing(claim, sentence):
    assert align(claim, sentence).certain == []


@pytest.mark.parametrize("claim, sentence", [
    ("If the council does not approve the budget, the mayor will resign.", "The council approved the budget."),
    ("Police are checking whether the guard was not at his post.", "The guard was at his post."),
], ids=["a denial in an if-clause", "a denial in a whether-clause"])
def test_a_supposed_denial_turns_nothing(claim, sentence):
    assert align(claim, sentence).certain == []


@pytest.mark.parametrize("claim, sentence", [
    ("Asked whether she would quit, the coach said she would not quit.", "The coach said she would quit."),
    ("Even if the snow stops, the final will not be played on Sunday.", "The final will be played on Sunday."),
    ("If elected, Ruiz will not raise the city's property taxes.", "Ruiz will raise the city's property taxes."),
], ids=["a whether-clause beside the denial", "an even-if clause beside it", "a condition before it"])
def test_a_denial_beside_a_supposed_clause_is_still_said(claim, sentence):
    assert align(claim, sentence).certain == ["one negates what the other states"]


def test_a_denial_beside_a_sentence_that_only_asks_is_a_conflict():
    doc = "The board asked whether the coach would quit. The coach did not quit."
    assert verify_pair("The coach quit.", doc, EMBEDDER).verdict == "conflicting"


def test_a_denial_of_the_others_leaves_those_named_confirmed():
    doc = "Patel and Osei were freed on Monday. None of the other hostages has been freed, officials said."
    assert verify_pair("Patel and Osei were freed on Monday.", doc, EMBEDDER).verdict == "confirmed"


def test_a_denial_of_those_the_sentence_before_names_is_a_conflict():
    doc = "Police questioned Patel and Osei on Monday. Neither man was freed, their lawyers said."
    assert verify_pair("Patel and Osei were freed on Monday.", doc, EMBEDDER).verdict == "conflicting"


@pytest.mark.parametrize("claim, sentence", [
    ("JPMorgan Chase said its quarterly profit rose 10%.", "On Friday, J.P. Morgan Chase & Co. said its quarterly profit rose 10%."),
    ("The Labour Party won 412 seats.", "Britain's Labor Party won 412 seats, the BBC reported."),
    ("Zoë Kravitz starred in The Batman.", "Actress Zoe Kravitz starred in The Batman opposite Robert Pattinson."),
    ("Mohammed Salah scored twice against Chelsea.", "Mohamed Salah scored twice against Chelsea, and Sadio Mane added a third."),
    ("The Kyiv Independent reported the attack.", "The Kiev Independent reported the attack on Odesa."),
], ids=["initials", "British and American spelling", "an accent", "a transliteration", "a city's two spellings"])
def test_a_name_spelt_another_way_is_the_same_name(claim, sentence):
    """A reviewer's pairs (stop 47): a rule that let a name be named only by all its words, or more
    than a last word, made these conflicting with whatever name stood near (BBC, Odesa)."""
    assert _judged(claim, sentence) == "confirmed"


def test_a_name_sharing_only_a_last_word_is_another_name():
    """Since stop 49: the sentence tells it of Tara Reid, and its only "Center" is of the other name
    both give (verifier._told_of_another)."""
    sentence = "Tara Reid has checked into Promises Treatment Center, a rehab clinic in Los Angeles."
    assert _judged("Betty Ford Center has checked into Promises Treatment Center, a rehab clinic in Los Angeles.",
                   sentence) != "confirmed"


def test_a_word_of_a_name_is_no_opposite():
    """The "Open" of "the Dutch Open" is no opposite of "a closing 66" (a reason shown on a fresh
    development pair); "will close" against "will open" still is."""
    claim = "Nel carded a closing 66 to finish the tournament at 17 under par."
    sentence = "Pieter Nel won the Dutch Open on Sunday, finishing at 17 under par after a final-round 66."
    assert not [t for t in align(claim, sentence).turns if t.startswith("opposite words")]
    assert align("The store will open on Monday.", "The store will close on Monday.").certain == ["opposite words: open/close"]


@pytest.mark.parametrize("claim, doc, reason", [
    ("Sam Okafor retained his three heavyweight belts in Hamburg on Saturday night.",
     "Viktor Lenz (40-2, 31 KOs) outpointed a tired Marco Bell in Hamburg on Saturday night to retain his "
     "three heavyweight belts. Sam Okafor, his next challenger, watched from ringside.",
     "tells it of Viktor Lenz, and does not name Sam Okafor"),
    # a one-word name that opens a sentence is no name run (it may be any word): the parse reads it
    ("Apple will open its first store in Nairobi next month.",
     "Samsung will open its first store in Nairobi next month. Apple sells its phones there through resellers.",
     "tells it of Samsung, and does not name Apple"),
    ("Marlow Stores said sales rose 9% to £1.2 billion in the quarter.",
     "Sales at Marlow Stores rose 4% to £1.2 billion in the quarter, the retailer said on Thursday. "
     "Online sales jumped 9%, and the company kept its forecast for the year.",
     "gives 9 only beside the clause that tells the rest, which gives 4 in its place"),
], ids=["a subject named only in another sentence", "a claim that opens with its subject",
        "a figure from the next sentence"])
def test_a_source_that_tells_the_fact_of_another_does_not_confirm_it(claim, doc, reason):
    verdict = verify_pair(claim, doc, EMBEDDER)
    assert verdict.verdict == "unsupported"
    assert reason in verdict.reasons[0]


def test_a_source_that_names_no_subject_may_still_confirm_it():
    doc = ("Viktor Lenz has not lost a fight in Germany. The champion retained his three heavyweight belts in "
           "Hamburg on Saturday night, beating Marco Bell.")
    verdict = verify_pair("Viktor Lenz retained his three heavyweight belts in Hamburg on Saturday night.", doc, EMBEDDER)
    assert verdict.verdict == "confirmed", verdict.reasons


@pytest.mark.parametrize("doc", [
    "Her publicist Dan Levy said the actress checked into a clinic in Malibu on Friday.",
    "Her publicist, Dan Levy, said the actress checked into a clinic in Malibu on Friday.",
    "The actress checked into a clinic in Malibu on Friday, Dan Levy said.",
], ids=["a speaker named after the role", "a speaker between commas", "a speaker after the words"])
def test_the_one_who_tells_it_is_no_name_swapped_for_the_one_who_did_it(doc):
    verdict = verify_pair("Nina Ford checked into a clinic in Malibu on Friday.", doc, EMBEDDER)
    assert verdict.verdict != "conflicting", verdict.reasons


def test_one_who_tells_their_own_act_did_it():
    verdict = verify_pair("Coach Lisa Brandt dropped the striker for the derby on Sunday.",
                          "Coach Tom Weber said he dropped the striker for the derby on Sunday.", EMBEDDER)
    assert verdict.verdict == "conflicting"
    assert "Lisa Brandt/Tom Weber" in verdict.reasons[0]


@pytest.mark.parametrize("claim, sentence", [
    ("Corvid Pharma's shares did not fall on Wednesday.", "Shares of Corvid Pharma rose sharply on Wednesday."),
    ("Halifax County schools will not open on Friday.", "Schools across Halifax County will stay closed on Friday."),
    ("The council did not vote to keep the Eastside library open.",
     "The city council voted on March 12 to close the Eastside public library."),
], ids=["a move", "an opposite", "an opposite beside a negated verb"])
def test_a_negated_opposite_states_what_the_other_does(claim, sentence):
    """Two turns cancel: "did not fall" says what "rose" says. No conflict; the reason says why."""
    result = verify_pair(claim, sentence, EMBEDDER)
    assert result.verdict != "conflicting" and "one negates the opposite" in " ".join(result.reasons)


@pytest.mark.parametrize("claim, sentence", [
    ("Corvid Pharma's shares fell on Wednesday.", "Shares of Corvid Pharma rose sharply on Wednesday."),
    ("Halifax County schools will open on Friday.", "Schools across Halifax County will stay closed on Friday."),
    ("The council did not vote to close the Eastside library.",
     "The city council voted on March 12 to close the Eastside public library."),
    ("Police in Elmford released the man without charges.", "Police in Elmford arrested a 34-year-old man on Friday."),
    ("Not only did Acme shares rise on Monday, they hit a record.", "Acme shares fell on Monday."),
    ("Shares of no-frills carrier Ryanair rose 4% on Monday.", "Ryanair shares fell 4% on Monday."),
    ("Acme shares that had not moved all week rose 5% on Friday.", "Acme shares fell 5% on Friday."),
    ("A person not authorised to speak publicly said the Harlow plant closed on Monday.", "The Harlow plant opened on Monday."),
], ids=["a move", "an opposite", "a negation", "a negation after the opposite", "not only", "a no- compound",
        "a negation of another clause", "a negation of the speaker"])
def test_one_turn_alone_still_conflicts(claim, sentence):
    assert verify_pair(claim, sentence, EMBEDDER).verdict == "conflicting"


@pytest.mark.parametrize("claim, sentence", [
    ("Tunebox sued Silverline Records over unpaid royalties.",
     "Silverline Records has sued streaming service Tunebox over unpaid royalties."),
    ("DataMesh has agreed to acquire Brightline Software.", "Brightline Software has agreed to acquire rival DataMesh."),
], ids=["who sued whom", "who buys whom"])
def test_the_parties_swapped_do_not_confirm(claim, sentence):
    result = verify_pair(claim, sentence, EMBEDDER)
    assert result.verdict == "unsupported" and "in another part" in result.reasons[0], result.reasons


@pytest.mark.parametrize("claim, sentence", [
    ("Silverline Records sued Tunebox over unpaid royalties.",
     "Silverline Records has sued streaming service Tunebox over unpaid royalties."),
    ("Silverline Records sued Tunebox over unpaid royalties.", "Tunebox was sued by Silverline Records over royalties."),
    ("Marcus Webb defeated Ruth Calder on Tuesday.", "Marcus Webb defeated Governor Ruth Calder in Tuesday's election."),
    ("Prince Harry married Meghan Markle in 2018.", "Meghan Markle married Prince Harry in 2018."),
    ("Bayern Munich drew 1-1 with Borussia Dortmund.", "Borussia Dortmund drew 1-1 with Bayern Munich."),
    ("Silverline Records and Orbit Music sued Tunebox.", "Orbit Music and Silverline Records sued Tunebox."),
    ("Ruth Calder defeated Marcus Webb in the runoff.",
     "Marcus Webb, who was defeated by Ruth Calder in the runoff, conceded on Tuesday."),
    ("Tunebox sued Silverline Records.", "Silverline Records, which sued Orbit Music last year, was itself sued by Tunebox."),
], ids=["the same order", "the passive", "a title before a name", "a verb of two alike parties", "a party after with",
        "a list reordered", "the passive in a relative clause", "the passive beside another's act"])
def test_the_parties_in_their_parts_confirm(claim, sentence):
    assert verify_pair(claim, sentence, EMBEDDER).verdict == "confirmed"


@pytest.mark.parametrize("doc, verdict", [
    ("Two people have died and dozens were injured in the flooding, police said.", "conflicting"),
    ("Two people died in a crash on the highway on Monday, and the flooding forced 300 people from their homes.",
     "not conflicting"),  # another event's count
    ("No one died in the flooding, but two people were injured, police said.", "confirmed"),
], ids=["a count cut off by 'and'", "a count of something else", "the same denial"])
def test_no_one_against_a_count_of_those_who_did_it(doc, verdict):
    result = verify_pair("No one died in the flooding, police said.", doc, EMBEDDER)
    assert (result.verdict != "conflicting") if verdict == "not conflicting" else result.verdict == verdict


@pytest.mark.parametrize("claim, doc, verdict", [
    ("The Supreme Court ruled six to three that the law was unconstitutional.",
     "The Supreme Court ruled 5-4 that the law was unconstitutional.", "unsupported"),
    ("The Supreme Court ruled six to three that the law was unconstitutional.",
     "The Supreme Court ruled 6-3 that the law was unconstitutional.", "confirmed"),
    ("One thousand new teachers will be hired over three years.",
     "The government will hire 10,000 new teachers over the next three years.", "unsupported"),
    ("One thousand new teachers will be hired over three years.",
     "The government will hire 1,000 new teachers over the next three years.", "confirmed"),
], ids=["another score", "the score", "another count", "the count"])
def test_a_score_or_count_in_words_is_a_number_to_state(claim, doc, verdict):
    assert verify_pair(claim, doc, EMBEDDER).verdict == verdict


def test_a_count_against_a_denial_of_narrower_scope_is_no_conflict():
    """"No one has died from the new strain" does not deny "Two people have died": the denial says
    more than the count's text does."""
    result = verify_pair("Two people have died.", "No one has died from the new strain, officials said.", EMBEDDER)
    assert result.verdict != "conflicting"
