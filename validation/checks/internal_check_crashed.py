"""TA900 check-crashed (emitted by the runner, not by a check function)."""
from __future__ import annotations

from trialaudit.validation.registry import rule


@rule(code="TA900", name="check-crashed", severity="warning", family="internal")
def check(ctx):
    """A rule crashed on this article; its findings are missing.

    What it checks:
        Nothing in the article: the runner emits this finding when another
        rule raises an exception, so one bad rule or one odd article never
        stops a batch.

    Why it matters:
        A silent crash would look like a clean bill of health. The finding
        names the rule and the exception so the reviewer knows that part of
        the audit is missing.

    Example:
        ``TA103 derived-rate crashed on this article (ZeroDivisionError at
        derived_rate.py:88); its findings are missing.``

    Known limitations:
        Reports only the last frame of the traceback.
    """
    return []
