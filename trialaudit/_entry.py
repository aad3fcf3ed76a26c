"""Console-script entry point: ``trialaudit --version`` answers before the CLI framework loads."""
from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import TOOL_NAME, __version__

        sys.stdout.write(f"{TOOL_NAME} {__version__}\n")
        return
    from .cli import main as cli_main

    cli_main()
