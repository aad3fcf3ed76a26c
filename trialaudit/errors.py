"""One error hierarchy, and the one place that turns an error into a message and an exit code.

* :class:`InputError` — an article or a file the user named cannot be used (missing, empty,
  binary, malformed, too large, not an article): exit 2, and in a batch a per-file status.
* :class:`ConfigurationError` — settings, options, rule codes or paths the user gave are wrong:
  exit 2 before anything runs.
* :class:`InternalError` — a bug in trialaudit: exit 3 (a crash inside a rule is not raised; it
  becomes a TA900 finding with its traceback under ``--verbose``).

The readers' and the settings' own exceptions (``IngestError``, ``PdfIngestError``, ``JatsError``,
``SettingsError``, ``ChecklistError``, ``RegistryError``) subclass these, so callers can catch a
kind without knowing a module. This module imports nothing of trialaudit: every layer may use it.
"""
from __future__ import annotations

import sys
from typing import NoReturn

__all__ = ["TrialAuditError", "InputError", "ConfigurationError", "InternalError", "EXIT_USAGE", "EXIT_INTERNAL",
           "fail", "fail_internal"]

#: exit status for usage, configuration and input errors
EXIT_USAGE = 2
#: exit status for a bug in trialaudit
EXIT_INTERNAL = 3


class TrialAuditError(Exception):
    """Base of every error trialaudit raises on purpose; the message is meant for the user."""

    exit_code = EXIT_USAGE


class InputError(TrialAuditError):
    """An input file cannot be used."""


class ConfigurationError(TrialAuditError, ValueError):
    """A setting, option, rule code or path is wrong."""


class InternalError(TrialAuditError):
    """A bug: trialaudit reached a state it should not."""

    exit_code = EXIT_INTERNAL


def fail(message: object, code: int | None = None) -> NoReturn:
    """Print one line ``error: <message>`` on stderr and exit with ``code`` (the error's own, else 2).

    The command-line modules call this for every error they report, so all of them print the same
    format; nothing else prints errors or picks exit codes.
    """
    import typer

    if code is None:
        code = message.exit_code if isinstance(message, TrialAuditError) else EXIT_USAGE
    first = (str(message).strip().splitlines() or ["unknown error"])[0]
    typer.echo(f"error: {first}", err=True)
    raise typer.Exit(code)


def fail_internal(exc: BaseException) -> NoReturn:
    """Report a bug (an exception trialaudit did not raise on purpose): one line, exit 3.

    The traceback is printed too when the environment variable ``TRIALAUDIT_TRACEBACK`` is set, so a
    bug is never disguised as a user error and never lost.
    """
    import os
    import traceback

    if os.environ.get("TRIALAUDIT_TRACEBACK"):
        traceback.print_exception(exc, file=sys.stderr)
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    fail(f"internal error ({detail}); this is a bug in trialaudit - set TRIALAUDIT_TRACEBACK=1 to see where",
         EXIT_INTERNAL)
