import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

# Hypothesis profiles. CI runs the default profile: each property test sets its own few hundred
# examples. Outside CI, ``pytest --hypothesis-profile=thorough tests/validation/test_generated_articles.py
# tests/extractor/test_quantities.py`` runs 10,000 examples of each property (hours on two cores;
# ``bench/bench_generated.py --examples 10000 --max-minutes M`` runs the article properties with a
# time cap and prints every distinct failure). The tests read ``settings.default.max_examples``.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

THOROUGH_EXAMPLES = 10_000
_hypothesis_settings.register_profile("thorough", max_examples=THOROUGH_EXAMPLES, deadline=None)
