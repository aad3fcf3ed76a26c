"""Import a module on first attribute access, so start-up stays cheap.

``scipy`` and ``spaCy`` cost seconds to import; commands such as ``--version``,
``rules`` and ``schema`` never need them. Modules that use them bind a
:class:`LazyModule` at module level and the import happens on first use.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """A stand-in for a module, imported the first time one of its attributes is read."""

    __slots__ = ("_name", "_mod")

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_mod", None)

    def _load(self) -> ModuleType:
        mod = object.__getattribute__(self, "_mod")
        if mod is None:
            mod = importlib.import_module(object.__getattribute__(self, "_name"))
            object.__setattr__(self, "_mod", mod)
        return mod

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        return f"<lazy module {object.__getattribute__(self, '_name')!r}>"


def lazy_module(name: str) -> Any:
    """Return a proxy for ``name`` that imports it on first attribute access."""
    return LazyModule(name)
