"""The text cleaner: seeds come out clean, and each rule does what it says on small inputs."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import SEED_FILES
from pipeline.ingest.clean import clean_paragraphs, clean_text, repair_run_together

BOILERPLATE = ["Advertisements", "Type to search", "fbpx", "Also read", "Also on AF", "[email", "protected]",
               "Vishakha Saxena is", "You can write to", "Photo: Reuters"]
# Lower-case letters glued to a capitalised word: "usersThis". Real names are listed.
RUN_TOGETHER = re.compile(r"\b\w*[a-z]{2}[A-Z][a-z]+\w*\b")
KNOWN_CAMEL_CASE = {"DeepSeek", "ByteDance", "TikTok", "OpenAI", "ChatGPT", "Deepseek"}


@pytest.fixture(scope="module", params=SEED_FILES, ids=lambda p: p.stem)
def seed(request):
    return clean_text(request.param.read_text())


def test_seeds_exist():
    assert len(SEED_FILES) == 2


def test_seed_has_no_boilerplate(seed):
    for marker in BOILERPLATE:
        assert marker not in seed.text, marker


def test_seed_has_no_run_together_sentences(seed):
    glued = set(RUN_TOGETHER.findall(seed.text)) - KNOWN_CAMEL_CASE
    assert glued == set()


def test_seed_paragraphs_are_clean_canonical_text(seed):
    paragraphs = seed.text.split("\n\n")
    assert len(paragraphs) >= 15
    assert all(p == p.strip() and "  " not in p and "\n" not in p for p in paragraphs)


def test_seed_000_repairs_joins_into_sentences():
    cleaned = clean_text(SEED_FILES[0].read_text())
    assert cleaned.title == "Apple Taps Alibaba for AI in China"
    assert "Chinese iPhone users. This announcement" in cleaned.text
    assert "same period. By the closing bell, Apple had gained more than 2%" in cleaned.text
    assert "Alibaba, and Deepseek. Ultimately, Apple decided" in cleaned.text
    assert "parent company of TikTok. The company" in cleaned.text
    assert "alongside DeepSeek and ByteDance" in cleaned.text  # names are not split


def test_seed_003_metadata_and_removals():
    cleaned = clean_text(SEED_FILES[1].read_text())
    assert cleaned.title == "Apple Taps Alibaba to Bring AI to Chinese iPhones: Report"
    assert cleaned.author == "Vishakha Saxena"
    assert cleaned.credit == "Reuters, with additional editing and inputs from Vishakha Saxena"
    assert "Investors Pour Money Into China Tech Stocks" not in cleaned.text
    assert cleaned.text.startswith("Apple chose Alibaba partly due to")
    assert cleaned.text.endswith("fanning hopes that iPhone demand will rebound.")
    assert "Critical juncture in China market" in cleaned.text  # a subheading is content


@pytest.mark.parametrize(
    "paragraph",
    [
        "Advertisement", "ADVERTISEMENTS", "Type to search", "fbpx", "Skip to content",
        "Story continues below advertisement", "Share this article", "Read more",
        "Sign up for our newsletter", "Subscribe to get the latest stories",
        "Keep an eye on your inbox for the latest sports news.", "Copyright 2019 Hawaii News Now. All rights reserved.",
        "https://example.com/some/page", "Also on AF: More Concern on DeepSeek’s Data Policies",
        "SEE MORE: Hong Kong protests: 800 students under siege",
        "A woman walks past a store in Shanghai, China. Photo: Reuters",
        "Write to Al Root at allen.root@example.com",
    ],
)
def test_boilerplate_paragraph_is_removed(paragraph):
    body = ["The central bank raised rates by half a point on Tuesday, citing inflation.", paragraph,
            "Markets fell after the decision, with the index down 2% by the close."]
    assert paragraph not in clean_paragraphs(body).text
    assert clean_paragraphs(body).text.count("\n\n") == 1


@pytest.mark.parametrize(
    "paragraph",
    [
        "Netflix added 2 million subscribers in the quarter, beating forecasts.",
        "Users can read more about the plan on the ministry's website, officials said.",
        "The photo agency said it would appeal.",
        "He said the deal was done: both boards had approved it.",
    ],
)
def test_news_sentences_that_look_like_boilerplate_are_kept(paragraph):
    assert paragraph in clean_paragraphs(["First paragraph of the story, long enough.", paragraph]).text


def test_link_list_takes_its_titles_but_not_the_next_paragraph():
    body = ["The story begins here and says something.", "Also read:", "China Tech Stocks Rally",
            "Huawei Unveils a Tri-Fold Phone", "The story goes on after the list, as sentences do."]
    assert clean_paragraphs(body).text == (
        "The story begins here and says something.\n\nThe story goes on after the list, as sentences do."
    )


def test_obfuscated_email_sentence_is_dropped_rest_kept():
    body = ["Story text here.", "Tips are welcome. Reach the desk at [email protected] any time. Thanks."]
    text = clean_paragraphs(body).text
    assert "protected" not in text and "Tips are welcome." in text and "Thanks." in text


def test_byline_becomes_author():
    cleaned = clean_paragraphs(["By Jane Doe", "The story starts with a real sentence here."])
    assert cleaned.author == "Jane Doe" and "By Jane Doe" not in cleaned.text


def test_reporting_credit_is_taken_out_of_the_body():
    cleaned = clean_paragraphs(["A sentence of news.", "(Reporting by Will Dunham; Editing by Tom Brown)"])
    assert cleaned.credit == "Reporting by Will Dunham; Editing by Tom Brown"
    assert cleaned.text == "A sentence of news."


def test_alt_text_repeated_by_caption_is_dropped_once():
    alt = "A woman looks at a new phone at a store in Shanghai"
    cleaned = clean_paragraphs(["Story.", alt, alt + ", China, on Friday.", "More story."])
    assert cleaned.text.count(alt) == 1


def test_headline_repeated_in_body_is_dropped():
    cleaned = clean_paragraphs(["Home Depot Stock Is Falling", "Shares fell 3% on Tuesday."], title="Home Depot stock is falling")
    assert cleaned.text == "Shares fell 3% on Tuesday."


@pytest.mark.parametrize(
    ("glued", "repaired"),
    [
        ("for iPhone usersThis announcement", "for iPhone users. This announcement"),
        ("in ChinaThe move", "in China. The move"),
        ("of TikTokThe company", "of TikTok. The company"),
        ("the Chinese marketAlibaba, with", "the Chinese market. Alibaba, with"),
        ("DeepSeek and ByteDance and YouTube", "DeepSeek and ByteDance and YouTube"),
        ("an iPhone on eBay via PayPal", "an iPhone on eBay via PayPal"),
        ("McDonald's and OpenAI", "McDonald's and OpenAI"),
    ],
)
def test_run_together_repair(glued, repaired):
    assert repair_run_together(glued, vocabulary=Counter()) == repaired


def test_run_together_uses_the_articles_own_words():
    # "Beijing" and "Officials" both stand alone elsewhere in the article, so the join is a break.
    seen = Counter({"Beijing": 2, "Officials": 1, "Alibaba": 3})
    assert repair_run_together("met in BeijingOfficials said", seen) == "met in Beijing. Officials said"
    assert repair_run_together("met in BeijingOfficials said", Counter()) == "met in BeijingOfficials said"
    assert repair_run_together("the Chinese marketAlibaba, with", seen) == "the Chinese market. Alibaba, with"


@pytest.mark.parametrize(
    "name",
    ["LinkedIn", "easyJet", "iHeartMedia", "@realDonaldTrump", "JetBlue", "FedEx", "BlackRock", "YouGov"],
)
def test_run_together_leaves_names_alone(name):
    seen = Counter({"Linked": 1, "In": 5, "Jet": 1, "Blue": 1, "Fed": 2, "Ex": 1, "Black": 1, "Rock": 1,
                    "You": 3, "Gov": 1, "Donald": 2, "Trump": 4, "Media": 2, "Heart": 1})
    assert repair_run_together(f"Shares of {name} rose.", seen) == f"Shares of {name} rose."


def test_a_word_that_recurs_is_a_name_not_a_join():
    seen = Counter({"CoreWeave": 2, "Core": 1, "Weave": 1})
    assert repair_run_together("CoreWeave said", seen) == "CoreWeave said"


@pytest.mark.parametrize(
    "paragraph",
    [
        "By noon, 40 people had died in the floods.",
        "By contrast, Samsung rose 3% in Seoul.",
        "Scammers are filling your inbox with fake invoices, police warned on Monday.",
        "The emails told recipients to click here to reset their passwords.",
        "Copyright lawsuits against AI companies have multiplied this year.",
        "The big picture: The Fed is expected to cut rates in September.",
        "The brand's new image: younger, cheaper.",
        "Reporting by the newspaper prompted an investigation into the ministry.",
        "The minister called it “unacceptable.”",
    ],
)
def test_review_false_positives_are_kept(paragraph):
    body = ["The opening paragraph of a real story, with enough words in it.", "Related:", paragraph,
            "And the closing paragraph of the story, which is also real text."]
    assert paragraph in clean_paragraphs(body).text


@pytest.mark.parametrize(
    "paragraph",
    [
        "Evan Gershkovich was a reporter for The Wall Street Journal when he was detained in Russia.",
        "Donald Trump has been posting on Twitter about the tariffs all week.",
        "The Federal Reserve has been raising rates to fight inflation, its chair said.",
    ],
)
def test_news_about_people_is_not_an_author_bio(paragraph):
    body = ["The opening paragraph of a real story, with enough words in it.", "A middle paragraph.", paragraph]
    cleaned = clean_paragraphs(body)
    assert paragraph in cleaned.text and cleaned.author is None


def test_quoted_sentence_first_line_is_not_a_headline():
    cleaned = clean_text("The White House called the strike “a grave escalation.”\nMore text follows here.")
    assert cleaned.text.startswith("The White House called")  # a sentence is text, not a headline to cut off
    assert cleaned.title == "The White House called the strike “a grave escalation.”"  # the title is read from it


def test_with_no_headline_the_title_is_the_first_sentence_cut_short():
    text = ("Perennial party girl Tara Reid checked herself into Promises Treatment Center in Malibu on Tuesday, "
            "her rep told People. A friend said she went on Tuesday.")
    cleaned = clean_text(text)
    assert cleaned.title == "Perennial party girl Tara Reid checked herself into Promises Treatment Center in…"
    assert cleaned.text == text


@pytest.mark.parametrize("dateline", ["Friday, November 11, 2011", "Updated: November 11, 2011 20: 09 IST",
                                      "9: 53 AM, MON 22 JUL 2013", "Article posted on 08. 07. 2012", "05 / 02 / 2013"])
def test_a_dateline_is_never_the_title(dateline):
    cleaned = clean_text(f"{dateline}\nAnti Piracy Ops by INS Sukanya\nIndian Naval Ship Sukanya foiled an attack.")
    assert cleaned.title == "Anti Piracy Ops by INS Sukanya"
    assert cleaned.text == f"{dateline}\n\nIndian Naval Ship Sukanya foiled an attack."  # the dateline stays text
    assert clean_text(f"{dateline}\nIndian Naval Ship Sukanya foiled an attack.").title == \
        "Indian Naval Ship Sukanya foiled an attack."


def test_headlines_with_dates_in_them_are_still_headlines():
    for headline in ("Ellen DeGeneres to host 2014 Oscars", "May 2013 jobs report beats forecasts"):
        assert clean_text(f"{headline}\nThe body of the article follows.").title == headline
    assert clean_paragraphs(["Body text here."], title="Thursday, December 11, 2008").title == "Body text here."
