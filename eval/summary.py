"""Summary eval: offline briefs of the ECB+ dev stories against a lead-sentence baseline.

For each of the 36 stories in ecbplus_dev.jsonl, its articles are grouped into source families
and briefed by the offline extractive engine. The baseline takes the first sentence of each
article (up to the same number of points). Both are checked by the same verifier, which counts
the source families that state each point. Reported: the share of points confirmed by two or
more families, the brief's length (points, words), and its coverage (families cited / families).

    python eval/summary.py [--write-floor]
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict

from eval_data import ECB, require, untokenized
from evalgate import eval_arguments, check_or_pin, file_sha256


def stories():
    from pipeline.ingest.clean import clean_text
    from pipeline.ingest.batch import article_id
    from pipeline.models import Article

    grouped = defaultdict(list)
    for line in ECB.read_text().splitlines():
        row = json.loads(line)
        cleaned = clean_text(untokenized(row["text"]))
        if cleaned.text:
            grouped[row["story"]].append(Article(id=article_id(cleaned.text), source=row["id"], title=cleaned.title,
                                                 outlet=row["id"], text=cleaned.text))
    return grouped


def run() -> dict:
    from pipeline.brief.compose import extractive_brief
    from pipeline.index.embed import get_embedder
    from pipeline.grouping import Story
    from pipeline.text.sentences import split_sentences
    from pipeline.verify.verifier import families_of, verify_generated

    embedder = get_embedder()
    ours, lead, words, coverage = [], [], [], []
    for story_id, articles in sorted(stories().items()):
        families = families_of(articles)
        story = Story(story_id, articles[0].title, articles, families)
        brief = extractive_brief(story, embedder, "eval")
        ours += [len({c.family_id for c in p.claims[0].citations}) >= 2 and p.claims[0].verdict == "confirmed"
                 for p in brief.points]
        words.append(sum(len(p.text.split()) for p in brief.points))
        coverage.append(len({c.family_id for p in brief.points for c in p.claims[0].citations}) / len(families))
        leads = [s[0].text for a in articles if (s := split_sentences(a.text))][: max(len(brief.points), 1)]
        lead += [verify_generated(text, families, embedder).verdict == "confirmed" for text in leads]
    return {"stories": len(coverage), "points": len(ours),
            "confirmed_by_2_families": round(sum(ours) / len(ours), 4),
            "lead_baseline_confirmed_by_2_families": round(sum(lead) / len(lead), 4),
            "mean_points": round(len(ours) / len(coverage), 2), "mean_words": round(statistics.mean(words), 1),
            "mean_family_coverage": round(statistics.mean(coverage), 4)}


def main() -> int:
    args = eval_arguments(__doc__).parse_args()
    require(ECB)
    r = run()
    print(f"summary over {r['stories']} stories: {r['confirmed_by_2_families']:.1%} of {r['points']} brief points "
          f"confirmed by 2+ families (lead-sentence baseline {r['lead_baseline_confirmed_by_2_families']:.1%}); "
          f"{r['mean_points']} points, {r['mean_words']} words a brief; families cited {r['mean_family_coverage']:.1%}")
    return check_or_pin("summary", {"confirmed_by_2_families": r["confirmed_by_2_families"]},
                        {"dataset_sha256": file_sha256(ECB)}, write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
