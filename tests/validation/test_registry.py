import re

import pytest

from trialaudit.validation.registry import DOC_SECTIONS, RegistryError, all_rules, rule


@pytest.mark.parametrize("r", all_rules(), ids=lambda r: r.code)
def test_rule_docstring_has_sections(r):
    doc = r.doc
    for section in DOC_SECTIONS:
        assert re.search(rf"^{section}:", doc, re.M), f"{r.code} docstring lacks '{section}:'"
    assert r.summary and len(r.summary) < 140


def test_codes_and_names_unique_and_well_formed():
    rs = all_rules()
    assert len({r.code for r in rs}) == len(rs)
    assert len({r.name for r in rs}) == len(rs)
    for r in rs:
        assert re.fullmatch(r"TA\d{3}", r.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", r.name)
        assert r.severity in ("error", "warning", "info")


def test_one_check_per_module():
    mods = [r.module for r in all_rules()]
    assert len(mods) == len(set(mods))


def test_bad_registration_rejected():
    with pytest.raises(RegistryError):
        rule("X1", "bad-code", "error", "x")
    with pytest.raises(RegistryError):
        rule("TA999", "NotKebab", "error", "x")
