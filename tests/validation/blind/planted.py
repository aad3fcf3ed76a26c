"""Planted errors for the blind evaluation: (article, rule, original text, planted text, line marker).

Each entry replaces one exact, unique string of the consistent article; the planted copy is
written next to it as ``<article>_planted.<ext>``. ``marker`` is a substring of the planted
line the finding's evidence must point at.
"""
PLANTED = [
    # article A: markdown, pipe tables, arms named by drug
    ("article_a.md", "TA101", "| Prior nephrectomy, n (%) | 48 (78.7) |", "| Prior nephrectomy, n (%) | 48 (80.3) |", "Prior nephrectomy"),
    ("article_a.md", "TA102", "| Not evaluable | 3 (4.9) | 2 (3.4) |", "| Not evaluable | 5 (8.2) | 2 (3.4) |", "Not evaluable"),
    ("article_a.md", "TA203", "| 25.3 ± 3.9 | t = −0.73 | 0.47 |", "| 25.3 ± 3.9 | t = −2.10 | 0.038 |", "BMI"),
    ("article_a.md", "TA204", "(HR 0.91, 95% CI 0.58–1.43; P = 0.68)", "(HR 1.51, 95% CI 0.58–1.43; P = 0.68)", "HR 1.51"),
    ("article_a.md", "TA210", "Dose reductions were needed in 27 (44.3%) and 21 (35.6%) patients.",
     "Dose reductions were significantly more frequent with sunitinib (27 [44.3%] vs 21 [35.6%]; P = 0.21).", "significantly more frequent"),
    # article B: plain text, tab-separated tables, "Arm A"/"Arm B"
    ("article_b.txt", "TA201", "(chi-square = 4.64, P = .031)", "(chi-square = 4.64, P = .31)", "chi-square = 4.64"),
    ("article_b.txt", "TA205", "(HR, 0.61; 95% CI, 0.45 to 0.83; P = .002)", "(HR, 0.61; 95% CI, 0.45 to 0.83; P = .12)", "P = .12"),
    ("article_b.txt", "TA209", "The 12-month OS rates were 58.4% and 46.1%", "The 12-month OS rates were 58.4% and 61.3%", "61.3%"),
    ("article_b.txt", "TA108", "Age, years, median (range)\t62 (31-79)", "Age, years, median (range)\t67 (31-79)", "67 (31-79)"),
    ("article_b.txt", "TA104", "Nausea\t41 (46.6)", "Nausea\t94 (106.8)", "Nausea"),
    # article C: single arm, numbered sections, n/N
    ("article_c.md", "TA103", "and 14 (29.8%) a partial response", "and 15 (31.9%) a partial response", "partial response"),
    ("article_c.md", "TA106", "The median age was 61 years (range 38–75);", "The median age was 61 years (range 38–75; mean 60.24 years);", "mean 60.24"),
    ("article_c.md", "TA202", "| χ² = 5.35 | 0.021 |", "| χ² = 3.35 | 0.067 |", "χ² = 3.35"),
    ("article_c.md", "TA107", "18 (38.3%) patients were 65 years or older", "21 (44.7%) patients were 65 years or older", "65 years or older"),
    ("article_c.md", "TA207", "for an ORR of 36.2% (95% CI 22.7–51.5)", "for an ORR of 36.2% (95% CI 25.7–46.8)", "25.7–46.8"),
]


def planted_name(article: str) -> str:
    stem, ext = article.rsplit(".", 1)
    return f"{stem}_planted.{ext}"


def build(root):
    texts = {}
    for art, _code, old, new, _m in PLANTED:
        t = texts.get(art) or (root / art).read_text(encoding="utf-8")
        assert t.count(old) == 1, (art, old)
        texts[art] = t.replace(old, new)
    for art, t in texts.items():
        (root / planted_name(art)).write_text(t, encoding="utf-8")
    return texts


if __name__ == "__main__":
    from pathlib import Path
    build(Path(__file__).resolve().parent)
