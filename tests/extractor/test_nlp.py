"""extractor.nlp: sentence splitting with a bounded vocabulary."""
from __future__ import annotations

from trialaudit.extractor import nlp

TEXTS = ["Patients were randomised. The median PFS was 8.1 months (Fig. 2). Zyxomab was well tolerated.",
         "Quorblastine, flemtuzumab and grobinostat were compared. No differences were seen."]


def test_the_pipeline_is_replaced_past_the_vocabulary_limit_and_splits_alike(monkeypatch):
    before = nlp.sentence_spans(TEXTS)
    first = nlp.get_nlp()
    monkeypatch.setattr(nlp, "VOCAB_LIMIT", 0)
    assert nlp.sentence_spans(TEXTS) == before
    assert nlp.get_nlp() is not first                 # a fresh pipeline: the old vocabulary is dropped
    assert len(nlp.get_nlp().vocab.strings) < len(first.vocab.strings)
    assert nlp.sentence_spans(TEXTS) == before


def test_a_group_letter_before_a_capitalised_word_ends_the_sentence():
    text = ("Values were not significant in Group-A. For Group-B the value was high (p=0.002). "
            "It was lower in group B. The rest was similar. Written by J. Smith and A. Jones.")
    got = [text[a:b] for a, b in nlp.sentence_spans([text])[0]]
    assert got[:4] == ["Values were not significant in Group-A.", "For Group-B the value was high (p=0.002).",
                       "It was lower in group B.", "The rest was similar."]
    assert got[4] == "Written by J. Smith and A. Jones."   # initials of names stay inside their sentence
