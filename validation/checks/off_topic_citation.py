"""TA501 off-topic-citation."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator

import yaml

from trialaudit.extractor.study.drugs import drug_table, find_drugs
from trialaudit.schemas.document import Document, Reference, Sentence
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.textmatch import stem

_BODY = {"introduction", "methods", "statistics", "results", "discussion", "conclusion", "other", "abstract"}
_TOPIC_KINDS = {"title", "abstract", "keywords"}
_STOP = {
    "a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "with", "without", "by", "from", "at", "as", "is",
    "are", "was", "were", "be", "been", "its", "their", "this", "that", "these", "those", "which", "who", "what",
    "how", "why", "when", "than", "into", "over", "under", "between", "among", "vs", "versus", "not", "no", "can",
    "may", "does", "do", "it", "we", "our", "us", "his", "her", "after", "before", "during", "about", "via", "per",
    "et", "al", "i", "ii", "iii", "iv", "one", "two", "three", "four", "five", "abstract", "objective", "objectives",
    "background", "purpose", "aim", "aims", "methods", "results", "conclusion", "conclusions", "keywords",
}


@dataclass
class _Vocab:
    generic: set[str]
    general_phrases: list[re.Pattern]
    families: list[list[str]]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    raw = resources.files("trialaudit.validation").joinpath("data", "topic_vocabulary.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    generic = {stem(w) for w in data["generic"]} | {w.lower() for w in data["generic"]}
    phrases = list(data["oncology_general"]) + list(data.get("methodology", []))
    # drug classes from the synonym table ("tyrosine kinase inhibitor", "anthracycline", ...)
    info = drug_table()[0]
    phrases += sorted({i.drug_class for i in info.values() if i.drug_class and not i.supportive})
    pats = [re.compile(r"(?<![A-Za-z])" + r"[\s\-]*".join(re.escape(w) for w in re.split(r"[\s\-]+", p.strip()) if w) +
                       r"(?:s|es)?(?![A-Za-z])", re.I) for p in phrases]
    return _Vocab(generic, pats, [list(v) for v in data["families"].values()])


def _words(text: str) -> set[str]:
    """Content words of a title or sentence, stemmed; hyphenated words also joined ('re-challenging')."""
    v = _vocab()
    out: set[str] = set()
    text = re.sub(r"<[^>]+>|\\[a-z]+\{|[{}$^*_]", " ", text or "")
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*", text):
        w = m.group(0)
        parts = [w.replace("-", "")] + (w.split("-") if "-" in w else [])
        for p in parts:
            low = p.lower()
            if len(low) < 3 or low in _STOP or low.isdigit():
                continue
            s = stem(low)
            if s in v.generic or low in v.generic:
                continue
            out.add(s)
    return out


def _core(w: str) -> str:
    return w[4:] if w.startswith("anti") and len(w) > 8 else w


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    a, b = _core(a), _core(b)
    return len(a) >= 7 and len(b) >= 7 and a[:7] == b[:7]


def _shared(a: set[str], b: set[str]) -> list[str]:
    """The words of ``a`` that are :func:`_same` as some word of ``b`` (indexed: linear, not |a|×|b|)."""
    heads = {c[:7] for c in map(_core, b) if len(c) >= 7}
    return sorted(x for x in a if x in b or (len(c := _core(x)) >= 7 and c[:7] in heads))


def _family_terms(text: str) -> set[str]:
    out: set[str] = set()
    low = (text or "").lower()
    for fam in _vocab().families:
        if any(re.search(r"(?<![a-z])" + re.escape(t) + r"(?:s|es)?(?![a-z])", low) for t in fam):
            for t in fam:
                out |= {stem(w) for w in re.findall(r"[a-z]+", t) if len(w) >= 3}
    return out


# generic drug-name stems (INN suffixes of anticancer and supportive drugs): any drug is on-topic
_DRUG_SUFFIX = re.compile(r"\b[a-z]{3,}(?:mab|tinib|rafenib|ciclib|lisib|parib|zomib|degib|platin|taxel|rubicin|mycin|"
                          r"citabine|trexate|fosfamide|tecan|lidomide|limus|mustine|posaside|poside|setron|olimus|"
                          r"trozole|lutamide|relin|tabine)s?\b", re.I)


def _general_hit(text: str) -> str | None:
    m = _DRUG_SUFFIX.search(text or "")
    if m:
        return m.group(0)
    for p in _vocab().general_phrases:
        m = p.search(text or "")
        if m:
            return m.group(0)
    return None


_AUTHOR_LIKE = re.compile(r"^(?:[A-Z][\w'\-]+,?\s+(?:[A-Z]\.?\s*){1,3}[,;&]?\s*)+$")


def reference_title(ref: Reference) -> str | None:
    """The title of a reference; parsed from its text when the extracted title is missing or broken."""
    t = (ref.title or "").strip()
    if len(t.split()) >= 4 and not re.match(r"^(?:et al|[A-Z]\.?$|,)", t) and len(t) < 400:
        return t
    text = re.sub(r"^\s*\[?\d+[\].]?\s*", "", ref.text)
    text = re.sub(r"\*+", "", text)
    m = re.search(r"\bet al\.?,?\s+(.+)", text)
    if m:
        text = m.group(1)
    text = re.sub(r"^(?:[A-Z][\w'\-]+,?\s+(?:[A-Z]\.\s*-?){1,3}(?:,|&|and)?\s*)+", "", text).strip()
    segs = [s.strip() for s in re.split(r"(?<=[a-z0-9\)\]])\.\s+(?=[A-Z0-9])", text) if s.strip()]
    picked: list[str] = []
    for s in segs:
        words = s.split()
        lower = sum(1 for w in words if w[:1].islower())
        ok = len(words) >= 4 and lower >= 2 and not _AUTHOR_LIKE.match(s) and \
            not re.search(r"\b(?:19|20)\d\d\b.*\d+[\-–]\d+|\d+\s*[:,]\s*\d+", s)
        if ok:
            picked.append(s)
        elif picked:
            break
    return ". ".join(picked) if picked else None


def _topic(doc: Document) -> tuple[str, set[str]]:
    parts = [doc.title or ""] + [s.text for s in doc.sentences if s.section_kind in _TOPIC_KINDS]
    if len(" ".join(parts)) < 200:
        parts += [s.text for s in doc.sentences[:15]]
    text = " ".join(parts)
    terms = _words(text) | _family_terms(text)
    for h in find_drugs(text):
        terms.add(stem(h.generic.lower()))
    return text, terms


def _citing_sentences(doc: Document) -> dict[int, list[Sentence]]:
    by_id = {s.id: s for s in doc.sentences}
    out: dict[int, list[Sentence]] = {}
    for c in doc.citations:
        s = by_id.get(c.sentence)
        if s is None or s.section_kind not in _BODY:
            continue
        before = doc.text[max(0, c.span.char_start - 3):c.span.char_start]
        if re.search(r"(?:m|\^|\}|\{)\s*$", before) and not c.quote.strip().startswith(("[", "(")):
            continue  # "1.2 g/m²": a unit's exponent, not a citation
        for n in c.numbers:
            lst = out.setdefault(n, [])
            if s not in lst:
                lst.append(s)
    return out


@rule(code="TA501", name="off-topic-citation", severity="warning", family="references",
      preview=(
              "0 of 16 sampled warnings on the development set were true: the cited title shares no word stem "
              "with the one citing sentence although it supports it (synonyms, word forms, context in the "
              "paragraph, methods references)"))
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A cited reference shares no subject with the article or with the sentence that cites it.

    What it checks:
        Each reference cited in the body is judged by its title against two
        vocabularies: the article's topic (content words of its title,
        abstract and keywords, the drugs they name, and related disease terms
        — an osteosarcoma article also covers "sarcoma", "Ewing", "bone
        tumour") and the words of every sentence that cites it. Words are
        stemmed; generic research words ("patients", "study", "analysis",
        "cancer", "cell", "surgery", "prognostic") never count. A reference
        that names any anticancer drug or drug class, or a general oncology
        term (chemotherapy, RECIST, CTCAE, quality of life, Kaplan–Meier …)
        is on-topic. A reference sharing nothing at all is reported with its
        citing sentences as an integrity signal; each finding says how many
        citations of the article could be judged. The vocabulary lives in
        ``validation/data/topic_vocabulary.yaml``.

    Why it matters:
        Citations that have nothing to do with the claim they support
        (a cervical-cancer lncRNA paper cited for osteosarcoma biology, a
        veterinary 3D-printing paper for survival rates) are a hallmark of
        citation manipulation and paper-mill products, and mean the claim is
        in fact unsupported.

    Example:
        "Osteosarcoma is a highly aggressive malignant bone tumor with strong
        metastatic potential [1]" citing "LncRNA BCRT1 depletion suppresses
        cervical cancer cell growth via sponging miR-432-5p/CCR7 axis"
        (warning).

    Known limitations:
        Judges titles only (not abstracts), so a methodological reference
        with an unusual title may be flagged and a mis-cited reference on the
        same disease is not; references whose title cannot be read, and
        citations in figure captions or front matter, are not judged. The
        rule is conservative: one shared domain word makes a reference
        on-topic.
    """
    doc = ctx.document
    refs = {r.number: r for r in doc.references if r.number is not None}
    if not refs:
        return
    citing = _citing_sentences(doc)
    topic_text, topic = _topic(doc)
    judged: list[tuple[Reference, str, list[Sentence]]] = []
    for num in sorted(citing):
        ref = refs.get(num)
        if ref is None:
            continue
        title = reference_title(ref)
        if not title or not _words(title):
            continue
        judged.append((ref, title, citing[num]))
    off = []
    for ref, title, sents in judged:
        if find_drugs(title, fuzzy=False) or _general_hit(title):
            continue
        words = _words(title) | _family_terms(title) & set()
        if _shared(words, topic):
            continue
        cite_words: set[str] = set()
        for s in sents:
            cite_words |= _words(s.text)
        if _shared(words, cite_words):
            continue
        off.append((ref, title, sents, sorted(words)))
    n = len(judged)
    head = (doc.title or "") + " " + " ".join(x.text for x in doc.sentences if x.section_kind == "keywords")
    salient = [stem(h.generic.lower()) for h in find_drugs(head)] + sorted(_words(head))
    salient = [w for i, w in enumerate(salient) if w not in salient[:i]] or sorted(topic)
    topic_sample = ", ".join(salient[:12])
    for ref, title, sents, words in off:
        ev = [ctx.sentence_evidence(s, role="citing sentence") for s in sents[:3]]
        ev.append(Evidence(quote=ref.text[:400], line=ref.span.line, line_end=ref.span.line_end,
                           char_start=ref.span.char_start, char_end=ref.span.char_end, section="References",
                           page=ref.span.page, bbox=ref.span.bbox, role="reference"))
        short = title if len(title) <= 110 else title[:107] + "…"
        yield ctx.finding(
            "TA501", severity="warning",
            message=f"Reference [{ref.number}] \"{short}\" shares no subject with the article or with the "
                    f"sentence{'s' if len(sents) > 1 else ''} citing it ({len(off)} of {n} judged references are "
                    f"off-topic).",
            observed=f"reference title words: {', '.join(words[:10])}",
            expected=f"a shared topic word (article topic: {topic_sample} …)",
            computation=f"title words of reference [{ref.number}] (generic research words removed, stemmed): "
                        f"{', '.join(words)}; none occurs in the article's title, abstract or keywords (with related "
                        f"disease terms) nor in the citing sentence(s); it names no anticancer drug, drug class or "
                        f"general oncology term. {n} cited references had a readable title and were judged; "
                        f"{len(off)} are off-topic.",
            evidence=ev, key=f"ref{ref.number}|{title[:80]}",
            details={"reference": ref.number, "title": title, "judged": n, "off_topic": len(off),
                     "citing_sentences": [s.id for s in sents]})
