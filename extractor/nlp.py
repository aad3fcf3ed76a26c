"""Rule-based spaCy pipeline: ``spacy.blank("en")`` + sentencizer, no model download.

A small component before the sentencizer prevents splits after abbreviations
common in clinical articles ("Fig.", "et al.", "vs.", "e.g.", "No.").
"""
from __future__ import annotations

from functools import lru_cache

ABBREVIATIONS = {
    "fig", "figs", "al", "vs", "e.g", "i.e", "eg", "ie", "no", "nos", "approx", "dr", "ref", "refs", "tab",
    "suppl", "vol", "ca", "cf", "etc", "resp", "min", "max", "mo", "yr", "yrs", "wk", "wks", "inc", "ltd",
    "st", "jr", "mr", "mrs", "ms", "prof", "dept", "univ", "incl", "excl", "n.s", "ns",
}


def abbrev_guard(doc):
    for i, tok in enumerate(doc[:-1]):
        nxt = doc[i + 1]
        low = tok.text.lower().rstrip(".")
        if tok.text.endswith(".") and low in ABBREVIATIONS:
            nxt.is_sent_start = False
        elif tok.text == "." and i > 0 and doc[i - 1].text.lower() in ABBREVIATIONS:
            nxt.is_sent_start = False
        elif tok.text == "." and nxt.text[:1].islower():
            nxt.is_sent_start = False
    return doc


@lru_cache(maxsize=1)
def get_nlp():
    """The pipeline (spaCy is imported here, on first use, so start-up stays cheap)."""
    import spacy
    from spacy.language import Language

    if "trialaudit_abbrev_guard" not in Language.factories:
        Language.component("trialaudit_abbrev_guard", func=abbrev_guard)
    nlp = spacy.blank("en")
    nlp.add_pipe("trialaudit_abbrev_guard")
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_spans(texts: list[str]) -> list[list[tuple[int, int]]]:
    """Character spans of the sentences of each text."""
    nlp = get_nlp()
    out: list[list[tuple[int, int]]] = []
    for doc in nlp.pipe(texts, batch_size=64):
        spans = []
        for s in doc.sents:
            a = s.start_char
            b = s.end_char
            if doc.text[a:b].strip():
                spans.append((a, b))
        out.append(spans)
    return out
