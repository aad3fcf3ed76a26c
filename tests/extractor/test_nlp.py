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
