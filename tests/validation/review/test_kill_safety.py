"""A checklist survives its writer being killed (SIGKILL) at any moment.

A child process records decisions in a tight loop (each write: lock, atomic replace, .bak, views);
the test kills it with SIGKILL at random moments, again and again. After every kill the YAML must
load and validate, every decision in it must be one the child completed (never half a decision),
and the next writer must get the lock at once (a lock dies with its process).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from trialaudit.validation.review import load_checklist, record_decision, write_checklist

try:
    from tests.validation import review_fixtures as fx
except ImportError:  # pragma: no cover - run from inside tests/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import review_fixtures as fx  # type: ignore[no-redef]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fcntl locks are POSIX")

CHILD = textwrap.dedent("""
    import itertools, sys
    from trialaudit.validation.review import load_checklist, record_decision
    path = sys.argv[1]
    ids = [it.id for it in load_checklist(path).items]
    for k in itertools.count():
        item = ids[k % len(ids)]
        record_decision(path, item, ("confirmed", "dismissed", "query-authors")[k % 3], note=f"round {k}",
                        reviewer="loop")
        print(k, flush=True)
""")


def test_checklist_survives_sigkill_of_its_writer_in_a_loop(tmp_path):
    path = Path(write_checklist(tmp_path, fx.nsclc_result()).path)
    rng = random.Random(7)
    kills = 0
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        assert child.stdout is not None
        child.stdout.readline()  # it has imported everything and written at least once
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        kills += child.returncode == -signal.SIGKILL
        cl = load_checklist(path)  # loads and validates: never a torn file
        for it in cl.items:
            if it.note:
                assert it.note.startswith("round ") and it.reviewer == "loop" and it.decided_at is not None
        # the lock died with the child: the next writer is not kept waiting
        t0 = time.perf_counter()
        record_decision(path, cl.items[0].id, "confirmed", note="round after kill", reviewer="loop")
        assert time.perf_counter() - t0 < 10
        leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp") or ".tmp" in p.suffixes]
        assert len(leftovers) <= kills + 1  # at most the temporary files of writes that were killed
    assert kills >= 5
