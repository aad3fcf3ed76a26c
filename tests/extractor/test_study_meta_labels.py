"""Group labels and abbreviations defined in the text (used to answer meta-analysis questions)."""
from __future__ import annotations

from trialaudit.extractor.study.meta_abbrev import abbreviations
from trialaudit.extractor.study.meta_labels import group_label_definitions, labels_in
from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.provenance import Span


def _doc(*texts: str) -> Document:
    sents, pos = [], 0
    for i, t in enumerate(texts):
        sents.append(Sentence(id=f"s{i}", text=t, quote=t, span=Span(line=i + 1, char_start=pos, char_end=pos + len(t)),
                              section_kind="methods"))
        pos += len(t) + 1
    return Document(id="d", source="d.md", text="\n".join(texts), sentences=sents)


def test_labels_in_headers():
    assert labels_in("Group C (ACVC-HA group)") == ["group:c"]
    assert labels_in("Group II") == ["group:ii"]
    assert labels_in("a group of patients") == []


def test_label_definitions_before_and_after_the_label():
    doc = _doc("In group I (120 people) intravenous lidocaine was given and in group II (120 people) "
               "intravenous morphine was given.",
               "Patients were 23 adults with severe pain (group A) and 19 adults after a car accident (group B).")
    defs = {(d.key, d.text) for d in group_label_definitions(doc)}
    assert any(k == "group:i" and "lidocaine" in t and "morphine" not in t for k, t in defs)
    assert any(k == "group:ii" and "morphine" in t for k, t in defs)
    assert any(k == "group:a" and "severe pain" in t and "accident" not in t for k, t in defs)
    assert any(k == "group:b" and "accident" in t for k, t in defs)


def test_abbreviations_spell_the_words_before_them():
    doc = _doc("Serum interferon gamma-induced protein 10 (IP-10) and the Shoulder Pain and Disability Index "
               "(SPADI) were measured in the low-level laser therapy (LLLT) group.",
               "Patients (n = 30) were enrolled (see above).")
    ab = abbreviations(doc)
    assert ab["SPADI"] == "Shoulder Pain and Disability Index"
    assert ab["IP-10"].endswith("protein 10")
    assert "LLLT" in ab
    assert "n" not in ab and "see" not in ab
