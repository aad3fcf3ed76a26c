"""Rule-based spaCy pipeline: ``spacy.blank("en")`` + sentencizer, no model download.

A small component before the sentencizer prevents splits after abbreviations
common in clinical articles ("Fig.", "et al.", "vs.", "e.g.", "No.") and ends a sentence after a group's
letter ("... in Group-A. For Group-B ..."), which spaCy's tokenizer keeps as one token like an initial.
"""
from __future__ import annotations

import re
from functools import lru_cache

ABBREVIATIONS = {
    "fig", "figs", "al", "vs", "e.g", "i.e", "eg", "ie", "no", "nos", "approx", "dr", "ref", "refs", "tab",
    "suppl", "vol", "ca", "cf", "etc", "resp", "min", "max", "mo", "yr", "yrs", "wk", "wks", "inc", "ltd",
    "st", "jr", "mr", "mrs", "ms", "prof", "dept", "univ", "incl", "excl", "n.s", "ns",
}

#: words a capital letter labels ("group A", "Group-B", "arm C"); after such a letter a full
#: stop ends the sentence when a capitalised word follows (it is no initial of a name)
_LABEL_WORDS = {"group", "groups", "arm", "arms", "-", "cohort", "cohorts", "phase", "period",
                "stage", "type", "grade", "class", "part", "regimen", "schedule", "sequence"}


def abbrev_guard(doc):
    last = len(doc) - 1
    for i, tok in enumerate(doc):
        if i >= last:
            break
        text = tok.text
        if not text.endswith("."):  # every case below is a token ending in "."
            continue
        if text.lower().rstrip(".") in ABBREVIATIONS:
            doc[i + 1].is_sent_start = False
        elif text == "." and i > 0 and doc[i - 1].text.lower() in ABBREVIATIONS:
            doc[i + 1].is_sent_start = False
        elif text == "." and doc[i + 1].text[:1].islower():
            doc[i + 1].is_sent_start = False
        elif (len(text) == 2 and text[0].isupper() and i > 0 and doc[i - 1].text.lower() in _LABEL_WORDS
              and doc[i + 1].text[:1].isupper() and doc[i + 1].text[1:2].islower()):
            # "... in Group-A. For Group-B ...", "in group B. The": spaCy keeps "A." as one token (an initial),
            # so the sentencizer never sees the full stop; after a group's or arm's letter it ends the sentence
            doc[i + 1].is_sent_start = True
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


#: the pipeline's vocabulary keeps every new word it meets; past this many strings a fresh blank pipeline
#: replaces it (0.07 s), so a long batch of distinct articles does not grow in memory. Sentence splitting
#: is rule-based and does not depend on the vocabulary.
VOCAB_LIMIT = 20_000

#: texts longer than this are cut (at whitespace) into pieces for spaCy, whose
#: memory grows with the text and which refuses texts over ``nlp.max_length``.
CHUNK_CHARS = 50_000
#: no sentence is longer than this: a longer one is cut at whitespace (or, in a
#: run without whitespace, hard). Real sentences stay far below; the cap keeps the
#: cost of every pattern run on a sentence bounded, so the whole check is linear.
MAX_SENTENCE_CHARS = 3_000


def _cut(text: str, a: int, b: int, limit: int) -> list[tuple[int, int]]:
    """Split ``text[a:b]`` into pieces of at most ``limit`` characters, at whitespace when possible."""
    out = []
    while b - a > limit:
        cut = text.rfind(" ", a + limit // 2, a + limit)
        if cut <= a:
            cut = max((text.rfind(c, a + limit // 2, a + limit) for c in "\n\t"), default=-1)
        if cut <= a:
            cut = a + limit
        else:
            cut += 1
        out.append((a, cut))
        a = cut
    if a < b:
        out.append((a, b))
    return out


_NUMBER_TOKEN = re.compile(r"\S*\d\S*")
_ZEROS = str.maketrans("123456789", "000000000")


def _mask_numbers(text: str) -> str:
    """``text`` with the digits of letterless tokens ("1,234", "(12.5%)") written as 0, length kept.

    Sentence boundaries do not depend on which digits a number has, but spaCy adds every new
    token to its vocabulary (slow, and it grows with a batch): 20,000 different numbers would be
    20,000 entries; masked they are a handful. Tokens with letters ("1p.m.", "HbA1c") are kept.
    """
    return _NUMBER_TOKEN.sub(lambda m: m.group(0) if _has_letter(m.group(0)) else m.group(0).translate(_ZEROS), text)


def _has_letter(token: str) -> bool:
    return any(c.isalpha() for c in token)


def sentence_spans(texts: list[str]) -> list[list[tuple[int, int]]]:
    """Character spans of the sentences of each text (none longer than :data:`MAX_SENTENCE_CHARS`)."""
    nlp = get_nlp()
    pieces: list[tuple[int, int, int]] = []      # (text index, offset, end)
    for ti, t in enumerate(texts):
        pieces.extend((ti, a, b) for a, b in (_cut(t, 0, len(t), CHUNK_CHARS) if len(t) > CHUNK_CHARS else [(0, len(t))]))
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    docs = nlp.pipe((_mask_numbers(texts[ti][a:b]) for ti, a, b in pieces), batch_size=64)
    for (ti, off, _end), doc in zip(pieces, docs):
        spans = out[ti]
        text = doc.text   # built anew on each access: read it once (else quadratic)
        for s in doc.sents:
            a = s.start_char
            b = s.end_char
            if text[a:b].strip():
                if b - a > MAX_SENTENCE_CHARS:
                    spans.extend((off + x, off + y) for x, y in _cut(text, a, b, MAX_SENTENCE_CHARS)
                                 if text[x:y].strip())
                else:
                    spans.append((off + a, off + b))
    if len(nlp.vocab.strings) > VOCAB_LIMIT:
        get_nlp.cache_clear()
    return out
