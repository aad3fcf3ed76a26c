"""TA901 article-budget-exceeded (emitted by the runner, not by a check function)."""
from __future__ import annotations

from trialaudit.validation.registry import rule


@rule(code="TA901", name="article-budget-exceeded", severity="warning", family="internal")
def check(ctx):
    """The article's time budget ran out; some rules did not finish.

    What it checks:
        Nothing in the article: the runner emits this finding when the rules
        on one article take longer than ``article_time_budget_s`` (default 60 s).
        The rule that was running is stopped, the rules after it are skipped,
        and the findings gathered so far are kept.

    Why it matters:
        A hostile or huge article must not hold up a batch, and an audit cut
        short must not look like a clean bill of health: the finding names the
        rule that timed out and the rules that did not run.

    Example:
        ``timed out in rule TA101 percent-vs-count after 60.0 s
        (article_time_budget_s); not run: TA102, TA103``

    Known limitations:
        A running rule is interrupted only in the main thread of a process (a
        timer signal); elsewhere the budget is checked between rules.
    """
    return []
