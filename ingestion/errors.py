"""Errors that name what went wrong in words an operator can act on."""

from __future__ import annotations


class TilannekuvaError(Exception):
    """Base class: every expected failure of the pipeline is one of these, with a one-sentence message."""


class SettingsError(TilannekuvaError):
    """A setting is missing, malformed or points somewhere unusable."""


class SourceError(TilannekuvaError):
    """A source answered with something the pipeline cannot use.

    The message always names the source, the field and the offending value, so the log line alone
    tells the operator where to look.
    """

    def __init__(self, source: str, field: str, value: object, problem: str) -> None:
        self.source = source
        self.field = field
        self.value = value
        self.problem = problem
        shown = repr(value)
        if len(shown) > 200:
            shown = shown[:200] + "…"
        super().__init__(f"{source}: {field} = {shown}: {problem}")


def exception_phrase(exc: BaseException) -> str:
    """An exception as a short phrase for a one-sentence warning: its type and its message's first line."""
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:200]}" if first else type(exc).__name__
