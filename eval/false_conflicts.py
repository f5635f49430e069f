"""False conflicts on consistent summaries of the training domains.

Every sentence of every summary that SummEdits labels consistent with its document
(``training/summedits_other_domains.jsonl``: podcasts, meeting and sales-call summaries, sales
e-mails, dialogues, scientific abstracts) is verified against that document in pairs mode, as
``newsbrief verify --pairs`` does. The summary states nothing the document does not, so a
`conflicting` verdict is a false alarm; `unsupported` only says the verifier did not see it stated.
Sentences repeated across a document's summaries are verified once.

A development set, not a held-out one: the rules are written reading its errors, and it is the
learned verifier's training data. The held-out measure of false conflicts is conflicts.py's
held-out half (ECB+ topics 11-20). The gate pins the share of sentences not marked conflicting,
over all and per domain.

    python eval/false_conflicts.py [--show]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

from eval_data import TRAINING, require
from evalgate import check_or_pin, eval_arguments, file_sha256


def consistent_sentences() -> list[tuple[str, str, str]]:
    """(domain, document, summary sentence), each sentence once per document."""
    from pipeline.verify.verifier import summary_sentences

    seen, out = set(), []
    for row in map(json.loads, TRAINING.read_text().splitlines()):
        if row["label"] != 1:
            continue
        for sentence in summary_sentences(row["claim"]):
            if (row["doc"], sentence) not in seen:
                seen.add((row["doc"], sentence))
                out.append((row["domain"], row["doc"], sentence))
    return out


def run(show: bool = False) -> tuple[Counter, Counter, Counter]:
    """(sentences per domain, false conflicts per domain, false conflicts per kind of reason)."""
    from pipeline.index.embed import get_embedder
    from pipeline.verify.verifier import verify_pair

    embedder = get_embedder()
    sentences, false, kinds = Counter(), Counter(), Counter()
    for domain, doc, sentence in consistent_sentences():
        sentences[domain] += 1
        verdict = verify_pair(sentence, doc, embedder)
        if verdict.verdict == "conflicting":
            false[domain] += 1
            kinds[re.split(r"[:(]", verdict.reasons[0])[0].strip()] += 1
            if show:
                print(f"  [{domain}] {sentence}\n      {verdict.reasons[0][:300]}")
    return sentences, false, kinds


def main() -> int:
    parser = eval_arguments(__doc__)
    parser.add_argument("--show", action="store_true", help="print every false conflict and its reason")
    args = parser.parse_args()
    require(TRAINING)
    sentences, false, kinds = run(args.show)
    total, wrong = max(sum(sentences.values()), 1), sum(false.values())
    print(f"false conflicts: {wrong} of {total} sentences of consistent summaries ({wrong / total:.2%})")
    print("  by domain: " + "; ".join(f"{d} {false[d]} of {n}" for d, n in sorted(sentences.items())))
    print("  by reason: " + ("; ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none"))
    floors = {"not_conflicting": round(1 - wrong / total, 4)}
    floors |= {f"{d}_not_conflicting": round(1 - false[d] / n, 4) for d, n in sentences.items()}
    return check_or_pin("false_conflicts", floors, {"dataset_sha256": file_sha256(TRAINING)}, write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
