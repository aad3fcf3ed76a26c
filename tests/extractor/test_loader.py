"""Reading hostile files: non-regular files, size limits, decoding, article ids."""
import os
from pathlib import Path

import pytest

from trialaudit.extractor.loader import IngestError, ReadLimits, article_id_for, decode_bytes, read_document

BODY = "# Trial\n\n## Results\n\nAll 12 patients were treated with drug A in this study.\n"


def test_unicode_names_get_distinct_readable_ids():
    assert article_id_for(Path("試験.md")) == "試験"
    assert article_id_for(Path("研究.txt")) == "研究"
    assert article_id_for(Path("ｓｔｕｄｙ 1.md")) == "study-1"          # NFKC
    a, b = article_id_for(Path("###.md")), article_id_for(Path("$$$.md"))
    assert a.startswith("article-") and b.startswith("article-") and a != b
    assert article_id_for(Path("###.md")) == a                          # stable


def test_fifo_and_device_are_refused_before_reading(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(IngestError, match="FIFO"):
        read_document(fifo)
    link = tmp_path / "zero.md"
    link.symlink_to("/dev/zero")
    with pytest.raises(IngestError, match="character device"):
        read_document(link)


def test_size_limits_give_too_large(tmp_path):
    p = tmp_path / "a.md"
    p.write_text(BODY + "word " * 400, encoding="utf-8")
    with pytest.raises(IngestError, match="too large: .* bytes, limit 100"):
        read_document(p, limits=ReadLimits(max_bytes=100))
    with pytest.raises(IngestError, match=r"too large: \d+ characters, limit 1000"):
        read_document(p, limits=ReadLimits(max_chars=1000))
    t = tmp_path / "t.md"
    t.write_text(BODY + "\n| a | b |\n|---|---|\n" + "| 1 (2%) | 3 |\n" * 50, encoding="utf-8")
    with pytest.raises(IngestError, match="table of 52 rows, limit 20"):
        read_document(t, limits=ReadLimits(max_table_rows=20))
    assert read_document(t).tables


def test_invalid_utf8_is_replaced_with_a_visible_warning():
    data = ("Results: mean age was 61 ± 9 years in the µ group").encode("utf-8") + b"\xff\xfe!"
    text, warnings = decode_bytes(data, "x.md")
    assert "±" in text and "\ufffd" in text
    assert warnings and "not valid UTF-8" in warnings[0] and "U+FFFD" in warnings[0]
    assert "Windows-1252" not in warnings[0]


def test_clear_legacy_single_byte_file_is_named_in_the_warning():
    text, warnings = decode_bytes("Mean 61 ± 9 years; café".encode("cp1252"), "x.md")
    assert text == "Mean 61 ± 9 years; café"
    assert "Windows-1252" in warnings[0]
