"""archlint: an architecture linter for FastAPI backends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archlint.core import Diagnostic, RunResult

__version__ = "0.1.0"

if TYPE_CHECKING:
    from archlint.engine import CheckOptions, check


def __getattr__(name: str) -> Any:
    # The engine imports libcst (0.4 s); load it only when a caller actually runs a check.
    if name in ("check", "CheckOptions"):
        from archlint import engine

        return getattr(engine, name)
    raise AttributeError(name)


__all__ = ["CheckOptions", "Diagnostic", "RunResult", "__version__", "check"]
