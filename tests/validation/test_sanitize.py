"""safe_text makes terminal controls, escape sequences and bidi characters visible."""
from hypothesis import given, strategies as st

from trialaudit.validation.sanitize import UNSAFE, safe_text


def test_plain_text_is_unchanged():
    s = "Mean age 4·57 (SD 1·2); HR 0.82 (95% CI 0.70–0.96), P < 0.001 ± −3 — 試験 ✓\tcol\nnext"
    assert safe_text(s) == s


def test_escape_sequences_become_visible():
    fake = "\x1b[2K\x1b[1A\x1b]0;title\x07\x1b]52;c;SGVsbG8=\x07All clear\r"
    out = safe_text(fake)
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert out.startswith("␛[2K␛[1A␛]0;title␇") and out.endswith("All clear␍")


def test_bidi_and_c1_controls_become_code_points():
    assert safe_text("abc\u202edef\u2066x\u2069") == "abc<U+202E>def<U+2066>x<U+2069>"
    assert safe_text("\x9b31m") == "<U+009B>31m"
    assert safe_text("a\u200bb\ufeff") == "a<U+200B>b<U+FEFF>"
    assert safe_text("\x7f") == "␡"


def test_newlines_optional():
    assert safe_text("a\nb") == "a\nb"
    assert safe_text("a\nb", keep_newlines=False) == "a␊b"


@given(st.text())
def test_output_never_holds_an_unsafe_character(s):
    out = safe_text(s)
    assert not UNSAFE.search(out)
    assert safe_text(out) == out   # idempotent


def test_check_report_and_markdown_never_emit_raw_controls_or_bidi(tmp_path):
    """An article's escape sequences and bidi overrides are shown, not obeyed, in every output."""
    import subprocess
    import sys

    art = tmp_path / "esc.md"
    art.write_text("# Trial\n\n## Results\n\nTable 1. Baseline\n\n| Characteristic | Drug (n = 12) | Placebo (n = 12) |\n"
                   "|---|---|---|\n| Male \x1b]0;pwned\x07\u202e | 3 (33.3) | 6 (50.0) |\n", encoding="utf-8")
    outs = [subprocess.run([sys.executable, "-m", "trialaudit.cli", "check", str(art)], capture_output=True,
                           text=True, timeout=300).stdout]
    for fmt, name in (("html", "r.html"), ("md", "r.md")):
        subprocess.run([sys.executable, "-m", "trialaudit.cli", "report", str(art), "-f", fmt, "-o",
                        str(tmp_path / name)], capture_output=True, text=True, timeout=300)
        outs.append((tmp_path / name).read_text(encoding="utf-8"))
    for out in outs:
        assert "Male" in out
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
