"""trialaudit: audit clinical-trial articles for internal contradictions."""

__version__ = "0.1.0"
TOOL_NAME = "trialaudit"
