"""References and in-text citations mapped from the Document."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.references import expand_numbers
from trialaudit.extractor.text import parse_text

TEXT = """# A trial

## Introduction

Drug A was active in earlier trials [1-3]. Drug B was not [4].

## References

1. Smith, J. et al. Drug A in sarcoma. *J. Clin. Oncol.* **37**, 1-9 (2019).
2. Doe, A. et al. Drug A again. *Lancet Oncol.* **20**, 10-19 (2020).
3. Roe, B. et al. Drug A once more. *Ann. Oncol.* **23**, 5-8 (2012).
4. Poe, C. et al. Drug B in sarcoma. *Eur. J. Cancer* **45**, 1-2 (2009).
"""


def test_expand_numbers():
    assert expand_numbers([1, 5], "1–5") == [1, 2, 3, 4, 5]
    assert expand_numbers([4, 5], "4,5") == [4, 5]


def test_references_and_citations():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    assert [r.number for r in st.references] == [1, 2, 3, 4]
    r1 = st.references[0]
    assert r1.year == 2019 and r1.authors and r1.provenance.method == "reference-list"
    cited = [c.numbers for c in st.citations]
    assert [1, 2, 3] in cited and [4] in cited
    assert all(c.provenance.quote for c in st.citations)
