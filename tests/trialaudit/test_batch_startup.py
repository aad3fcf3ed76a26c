"""Start-up stays cheap: the cheap commands never import the NLP, PDF or statistics stacks."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("spacy", "pdfplumber", "scipy")

PROBE = r"""
import json, sys
argv = json.loads(sys.argv[1])
sys.argv = ["trialaudit", *argv]
from trialaudit._entry import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("HEAVY=" + json.dumps(sorted(m for m in %r if m in sys.modules)) + "\n")
""" % (HEAVY,)


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["rules"], ["rules", "--format", "json"], ["schema"],
                                  ["check", "--help"]])
def test_cheap_commands_do_not_import_heavy_libraries(argv):
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True, text=True,
                          timeout=120)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("HEAVY=")]
    assert line, proc.stderr
    assert json.loads(line[-1][len("HEAVY="):]) == []


def test_version_fast_path_matches_the_cli():
    fast = subprocess.run([sys.executable, "-c", "from trialaudit._entry import main; main()", "--version"],
                          capture_output=True, text=True, timeout=60)
    full = subprocess.run([sys.executable, "-m", "trialaudit.cli", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert fast.returncode == full.returncode == 0
    assert fast.stdout == full.stdout


def test_version_does_not_import_the_cli_framework():
    code = ("import sys; sys.argv=['trialaudit','--version']; from trialaudit._entry import main; main(); "
            "sys.stderr.write(str(sorted(m for m in ('typer','pydantic','trialaudit.cli') if m in sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stderr.strip() == "[]"
