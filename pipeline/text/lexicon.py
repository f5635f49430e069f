"""Word knowledge the deterministic verifier turns on: opposites, directions and contrast sets.

These are general English lists, written by hand: no thesaurus ships in a wheel we can use
offline. Each entry says something a fact check needs:
- an *opposite* turns a statement around ("acquitted" for "arrested", "excluding" for "including");
- a *direction* says which way a quantity moved ("cutting net debt" against "net debt to rise");
- a *contrast set* holds words that replace each other without meaning the same ("second" for
  "third quarter", "pink" for "yellow", "murder" for "manslaughter"): a summary that swaps one
  for another changes the fact, where a synonym ("detained" for "arrested") would not.
Words are compared by ``key``, so one entry covers its inflections.
"""

from __future__ import annotations

import re
from functools import lru_cache

ANTONYMS = [
    ("rise", "fall"), ("rose", "fell"), ("gain", "lose"), ("gained", "lost"), ("increase", "decrease"),
    ("higher", "lower"), ("more", "less"), ("above", "below"), ("over", "under"),
    ("win", "lose"), ("won", "lost"), ("accept", "reject"), ("approve", "reject"), ("allow", "ban"),
    ("strong", "weak"), ("stronger", "weaker"), ("growth", "decline"), ("profit", "loss"), ("earnings", "loss"),
    ("earned", "lost"), ("buy", "sell"), ("bought", "sold"), ("include", "exclude"), ("including", "excluding"),
    ("confirm", "deny"), ("guilty", "innocent"), ("convicted", "acquitted"), ("arrested", "acquitted"),
    ("arrested", "released"), ("charged", "cleared"), ("positive", "negative"), ("improve", "worsen"),
    ("expand", "shrink"), ("expansion", "contraction"), ("success", "failure"), ("successful", "unsuccessful"),
    ("support", "oppose"), ("agree", "disagree"), ("agreed", "refused"), ("high", "low"), ("largest", "smallest"),
    ("biggest", "smallest"), ("best", "worst"), ("better", "worse"), ("early", "late"), ("earlier", "later"),
    ("start", "end"), ("begin", "end"), ("arrive", "leave"), ("married", "divorced"), ("alive", "dead"),
    ("survived", "died"), ("legal", "illegal"), ("safe", "dangerous"), ("easy", "difficult"), ("full", "empty"),
    ("rich", "poor"), ("hire", "fire"), ("raise", "cut"), ("add", "remove"), ("maximum", "minimum"),
    ("majority", "minority"), ("internal", "external"), ("domestic", "foreign"), ("public", "private"),
    ("inside", "outside"), ("forward", "backward"), ("forwards", "backwards"), ("ahead", "behind"),
    ("next", "last"), ("future", "past"), ("troubled", "thriving"), ("troubled", "triumphant"),
    ("struggling", "thriving"), ("struggling", "flourishing"), ("struggling", "prospering"), ("weak", "robust"),
    ("save", "sink"), ("rescue", "sink"), ("prop", "sink"), ("open", "close"), ("opened", "closed"),
    ("invasion", "withdrawal"), ("attack", "defend"), ("war", "peace"), ("victory", "defeat"), ("ally", "enemy"),
    ("import", "export"), ("borrow", "lend"), ("surplus", "deficit"), ("asset", "liability"),
    ("overvalued", "undervalued"), ("bullish", "bearish"), ("optimistic", "pessimistic"), ("beat", "miss"),
    ("exceed", "miss"), ("upgrade", "downgrade"), ("launch", "cancel"), ("hired", "laid"), ("join", "quit"),
    ("join", "leave"), ("resign", "appoint"), ("praise", "criticize"), ("celebrate", "protest"),
    ("celebrate", "mourn"), ("for", "against"), ("pro", "anti"), ("before", "after"),
]  # not "first/last" ("since last year" says nothing against "first partner"), nor "up/down"
# ("gave himself up" against "shot down"): they are directions, checked with what they move

# Stems of the words that say which way a quantity moved; a word is one of them only with an
# inflection of its own (see _INFLECTIONS): "fell" is down, "fellow" is not; "dip", not "diplomat".
UP = ("up", "doubl", "tripl", "increas", "rais", "rise", "rose", "risen", "rising", "grow", "grew", "grown", "gain",
      "boost", "expand", "climb", "jump", "surg", "soar", "higher", "augment", "enhanc", "escalat", "hike",
      "uptick", "improv", "strengthen", "widen", "accelerat", "rall", "advanc", "above")
DOWN = ("down", "halv", "decreas", "reduc", "lower", "cut", "fall", "fell", "fallen", "declin", "drop", "shrink",
        "shrank", "sink", "sank", "sunk", "lose", "losing", "loss", "lost", "slid", "slip", "slash", "trim",
        "downturn", "plung", "tumbl", "slump", "weaken", "narrow", "slow", "slowdown", "below", "dip", "shed",
        "diminish")  # not "contract": a noun
_INFLECTIONS = r"(?:s|es|e|ed|d|ing|n|en|th|y|ies|ied|ying|(?:at|t)?ions?|e?ments?|[ptmdg](?:ed|ing))?"

# Numbers and dates, closed classes: a summary that says "third quarter" for "second" changes a fact
# the issue asks us to check, whatever the story.
# Months that are no other word: "may" and "march" are verbs as often, and are left out.
MONTHS = "january february april june july august september october november december".split()
# ... but they are months where they read as one: capitalised, after a word that dates ("in May",
# "last March") or before a day or a year ("May 3", "March 2009"); not "Theresa May", nor the verbs
CASED_MONTHS = {"May": "may_month", "March": "march_month"}  # each its own key, apart from the verb's
# (not "by", "on", "to": "agreed by May", "turned on May" are Theresa May's; "on May 3" has its day)
_DATING_WORDS = frozenset("in since until early late mid last next this during".split())
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
TIME_UNITS = "minute hour day week month year decade century".split()
NUMBER_AND_DATE_SETS = [
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(),
    "q1 q2 q3 q4 h1 h2".split(),
    "two three four five six seven eight nine ten eleven twelve dozen hundred".split(),  # not "no one"
    "thousand million billion trillion".split(),
    MONTHS + list(CASED_MONTHS.values()),
    WEEKDAYS,
    TIME_UNITS,
]
WORD_SETS = [
    "red orange yellow green blue purple pink white black brown grey gray violet gold silver".split(),
    "man woman boy girl men women husband wife son daughter father mother brother sister".split(),  # not pronouns:
    # "she" often stands for a name the other sentence spells out
    "murder manslaughter homicide fraud theft robbery assault rape kidnapping bribery embezzlement "
    "perjury deception terrorism treason".split(),
    "north south east west northern southern eastern western".split(),
    "gay lesbian bisexual transgender".split(),
    "sales/revenue/revenues/turnover profit/profits/earnings/income".split(),
]  # "a/b" are one meaning: a summary may say either
CONTRAST_SETS = NUMBER_AND_DATE_SETS + WORD_SETS

# One place, named two ways: a summary says "U.K. activists" for "British activists".
SAME_PLACE = [
    "uk/britain/british/england/english", "us/usa/america/american/americans", "russia/russian/russians",
    "ukraine/ukrainian/ukrainians", "china/chinese", "japan/japanese", "germany/german/germans",
    "france/french", "india/indian/indians", "canada/canadian/canadians", "australia/australian/australians",
    "italy/italian/italians", "spain/spanish", "israel/israeli/israelis", "iran/iranian/iranians",
    "mexico/mexican/mexicans", "brazil/brazilian/brazilians", "turkey/turkish", "korea/korean/koreans",
    "eu/europe/european/europeans", "un/united nations",
    "netherlands/holland/dutch", "asia/asian/asians", "africa/african/africans", "greece/greek/greeks",
    "poland/polish/poles", "sweden/swedish/swedes", "norway/norwegian/norwegians", "denmark/danish/danes",
    "switzerland/swiss", "austria/austrian/austrians", "belgium/belgian/belgians", "ireland/irish",
    "scotland/scottish/scots", "portugal/portuguese", "egypt/egyptian/egyptians", "pakistan/pakistani/pakistanis",
    "indonesia/indonesian/indonesians", "vietnam/vietnamese", "thailand/thai", "taiwan/taiwanese",
    "argentina/argentine/argentinian/argentinians", "chile/chilean/chileans", "colombia/colombian/colombians",
    "nigeria/nigerian/nigerians", "kenya/kenyan/kenyans", "iraq/iraqi/iraqis", "syria/syrian/syrians",
    "afghanistan/afghan/afghans", "philippines/philippine/filipino/filipinos", "scandinavia/scandinavian",
]

# Nouns that count a workforce, for two outlets' counts of one fact: "1,200 jobs" meets "1,200
# employees". (Counts of people are already counted as "people": pipeline.verify.figures.PEOPLE.)
WORKFORCE = frozenset("jobs positions roles posts staff workers employees".split())

# Titles and roles, a closed class: the same person is "the chief executive", "CEO" or "the
# president" from one outlet to the next, so a title is never the name that a conflict turns on.
TITLE_WORDS = ("chief executive officer ceo president chairman chairwoman chair director manager general "
               "minister secretary governor mayor senator representative rep congressman congresswoman judge "
               "justice chancellor premier king queen prince princess sheriff commissioner spokesman "
               "spokeswoman spokesperson coach captain officer head founder vice deputy assistant acting "
               "mr mrs ms dr sir lord lady st prof professor gen col lt sgt capt").split()

# A title's acronym says its words: "CEO" is "chief executive" (a closed class)
TITLE_ACRONYMS = {"ceo": "chief executive", "cfo": "chief financial", "coo": "chief operating",
                  "cto": "chief technology", "cio": "chief information"}  # not "pm": a time as often

_SUFFIXES = ("ing", "ed", "es", "s", "ly")


@lru_cache(maxsize=1 << 16)  # called for every word of every claim against every window
def stem(word: str) -> str:
    """A crude stem, enough to match inflections: includes, including -> includ."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    if "." in word and not word[0].isdigit():
        word = word.replace(".", "")  # U.K. is UK
    for suffix in _SUFFIXES:
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# English irregular verbs, a closed class: each verb, then its past tense and participle. What a
# negation denies is told in the verb's base ("failed to break", "did not win"), and what the other
# text states often in its past ("broke", "won"). Left out are the forms that are as often nouns or
# adjectives ("a left back", "a bit", "felt", "born", "rose", "lay", "shed", "ground", "wound", "drunk",
# "frozen", "proven"), and "strike", whose senses part ("did not strike" on Monday, "struck a deal").
IRREGULAR_VERBS = """arise arose arisen|awake awoke awoken|bear bore borne|beat beat beaten|become became|begin
began begun|bend bent|bet bet|bid bid|bleed bled|blow blew blown|break broke broken|breed bred|bring brought|
build built|buy bought|catch caught|choose chose chosen|cling clung|come came|cost cost|creep crept|cut cut|
deal dealt|dig dug|do did done|draw drawn|drink drank|drive drove driven|eat ate eaten|fall fell fallen|
fight fought|find found|flee fled|fly flew flown|forbid forbade forbidden|forecast forecast|foresee
foresaw foreseen|forget forgot forgotten|forgive forgave forgiven|forgo forwent forgone|freeze froze|
get got gotten|give gave given|go went gone|grow grew grown|hang hung|have had|hear heard|hide hid hidden|
hit hit|hold held|hurt hurt|keep kept|kneel knelt|know knew known|lay laid|lead led|lend lent|let let|
light lit|lose lost|make made|mean meant|meet met|mislead misled|mistake mistook mistaken|outsell outsold|
overcome overcame|override overrode overridden|overrun overran|oversee oversaw overseen|overspend overspent|
overtake overtook overtaken|overthrow overthrew overthrown|pay paid|put put|quit quit|read read|
rebuild rebuilt|repay repaid|rid rid|ride rode ridden|ring rang rung|rise risen|run ran|say said|see seen|
seek sought|sell sold|send sent|set set|shake shook shaken|shine shone|shoot shot|show shown|shrink shrank
shrunk|shut shut|sing sang sung|sink sank sunk|sit sat|sleep slept|slide slid|speak spoke spoken|speed sped|
spend spent|spin spun|split split|spread spread|spring sprang sprung|stand stood|steal stole stolen|stick
stuck|sting stung|strive strove striven|swear swore sworn|sweep swept|swim swam swum|
swing swung|take took taken|teach taught|tear tore torn|tell told|think thought|throw threw thrown|undergo
underwent undergone|understand understood|undertake undertook undertaken|uphold upheld|upset upset|wake woke
woken|wear wore worn|weep wept|win won|withdraw withdrew withdrawn|withhold withheld|withstand withstood|
write wrote written"""
_IRREGULAR = {forms.split()[0]: frozenset(forms.split()[1:]) for forms in IRREGULAR_VERBS.replace("\n", " ").split("|")}
_BASE_OF = {form: base for base, forms in _IRREGULAR.items() for form in forms}
# A last consonant after one vowel may double: "stop", stopped; "commit", committed. Where it does
# not ("visit", visited), the extra form is one no text writes.
_DOUBLES_ITS_CONSONANT = re.compile(r"(?:^|[^aeiou])[aeiou][bdgklmnprt]$")


@lru_cache(maxsize=1 << 12)
def verb_forms(word: str) -> frozenset[str]:
    """The word and, for a verb, its past forms, lower-cased: "concede": conceded; "top": topped;
    "deny": denied; "break" (or "broken"): broke, broken. A negation takes a verb's base ("did not
    deny"), and a text that states it mostly a past ("denied"). Only past forms are made: the
    present's -s and the -ing form are as often nouns ("votes", "the ruling"). Made from the word,
    not read back from the other text's words, so that no noun is taken for a verb ("role" is no
    "roll")."""
    word = word.lower()
    base = _BASE_OF.get(word, word)  # "was not stolen": steal
    if base in _IRREGULAR:  # no -ed: "see" makes no "seed"
        return frozenset({word, base} | _IRREGULAR[base])
    forms = {word, base, base + "ed"}
    if base.endswith("e"):
        forms.add(base + "d")
    if len(base) > 2 and base.endswith("y") and base[-2] not in "aeiou":
        forms.add(base[:-1] + "ied")
    if _DOUBLES_ITS_CONSONANT.search(base):
        forms.add(base + base[-1] + "ed")
    return frozenset(forms)


@lru_cache(maxsize=1 << 16)
def key(word: str) -> str:
    """The stem without a final e, so that "include" meets "including" in the word lists. Not
    used for coverage, where "chose" must stay a near spelling of "chosen"."""
    word = stem(word)
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


TITLES = frozenset(key(word) for word in TITLE_WORDS)


def month_key(text: str, start: int, end: int) -> str | None:
    """The key of "May" or "March" at ``text[start:end]`` where it reads as a month, else None."""
    word = text[start:end]
    if word not in CASED_MONTHS:
        return None
    before = text[:start].split()[-1:]
    dated = bool(before) and before[0].lower().strip(",(“\"") in _DATING_WORDS
    return CASED_MONTHS[word] if dated or re.match(r"\s*\d", text[end:]) else None


OPPOSITES: dict[str, set[str]] = {}
for _a, _b in ANTONYMS:
    OPPOSITES.setdefault(key(_a), set()).add(key(_b))
    OPPOSITES.setdefault(key(_b), set()).add(key(_a))


def contrast_sets(sets: list[list[str]]) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Each word's key -> its meanings (synonyms share one), and each meaning -> those it contrasts with."""
    meanings: dict[str, set[str]] = {}
    for words in sets:
        for meaning in words:
            for word in meaning.split("/"):
                meanings.setdefault(key(word), set()).add(meaning)
    contrasts = {meaning: frozenset(words) - {meaning} for words in sets for meaning in words}
    return {word: frozenset(m) for word, m in meanings.items()}, contrasts


MEANINGS, CONTRASTS = contrast_sets(CONTRAST_SETS)
CLOSED_MEANINGS = frozenset(meaning for words in NUMBER_AND_DATE_SETS for meaning in words)

SAME_AS: dict[str, frozenset[str]] = {
    stem(name): frozenset(stem(n) for n in names.split("/")) for names in SAME_PLACE for name in names.split("/")}

_DIRECTIONS = [(re.compile(rf"^(?:{'|'.join(stems)}){_INFLECTIONS}$"), name) for stems, name in ((UP, "up"), (DOWN, "down"))]


@lru_cache(maxsize=1 << 16)  # asked of every word of every claim and window
def direction(word: str) -> str | None:
    """'up' or 'down' for a word that says which way something moved."""
    word = word.lower()
    for pattern, name in _DIRECTIONS:
        if pattern.match(word):
            return name
    return None
