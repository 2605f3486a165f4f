"""Run great-expectations suites on pandas frames and return plain, structured results.

The results name each failed expectation and carry example rows, so a blocking Dagster check (or a
test) can say exactly what is wrong without knowing anything about great-expectations.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

EXAMPLE_ROWS = 5


@dataclass(frozen=True)
class Check:
    """One expectation applied to one named frame of the dataset."""

    frame: str
    expectation: Any
    description: str


@dataclass
class CheckOutcome:
    """The outcome of one check, with a few offending rows when it failed."""

    description: str
    expectation: str
    frame: str
    success: bool
    unexpected_count: int | None = None
    examples: list[dict[str, Any]] = field(default_factory=list)
    observed: Any = None


@dataclass
class SuiteResult:
    """Outcome of a whole suite."""

    suite: str
    outcomes: list[CheckOutcome]

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failures(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if not o.success]

    def summary(self) -> str:
        """One line per failed check: what failed and example rows."""
        if self.success:
            return f"{self.suite}: all {len(self.outcomes)} expectations passed"
        lines = [f"{self.suite}: {len(self.failures)} of {len(self.outcomes)} expectations failed"]
        for failure in self.failures:
            count = f" ({failure.unexpected_count} rows)" if failure.unexpected_count is not None else ""
            lines.append(f"- {failure.description} [{failure.expectation}]{count}")
            if failure.observed is not None:
                lines.append(f"  observed: {failure.observed}")
            lines.extend(f"  e.g. {row}" for row in failure.examples)
        return "\n".join(lines)


@lru_cache(maxsize=1)
def _context() -> Any:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _batch(source_name: str, frame: pd.DataFrame) -> Any:
    """A batch of the whole frame, from a data source of its own (removed again after each validation)."""
    source = _context().data_sources.add_pandas(source_name)
    definition = source.add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole")
    return definition.get_batch(batch_parameters={"dataframe": frame})


def _examples(frame: pd.DataFrame, result: dict[str, Any]) -> list[dict[str, Any]]:
    indices = result.get("partial_unexpected_index_list") or []
    if indices and isinstance(indices[0], dict):
        indices = [next(iter(i.values())) for i in indices]
    if indices:
        rows = frame.loc[[i for i in indices if i in frame.index][:EXAMPLE_ROWS]]
        return [
            {k: (None if pd.isna(v) else v) for k, v in row.items()} for row in rows.astype(object).to_dict("records")
        ]
    values = result.get("partial_unexpected_list") or []
    return [{"value": v} for v in values[:EXAMPLE_ROWS]]


def _suite(suite: str, frame: str, checks: dict[int, Check]) -> Any:
    """The checks on one frame as one ExpectationSuite; each expectation carries its description and index."""
    return gx.ExpectationSuite(
        name=f"{suite}:{frame}",
        expectations=[
            check.expectation.copy(update={"description": check.description, "meta": {"check": index}})
            for index, check in checks.items()
        ],
    )


def run_checks(suite: str, frames: dict[str, pd.DataFrame], checks: list[Check]) -> SuiteResult:
    """Validate each frame's expectations as one suite in one call; never raises on bad data, only reports it.

    Outcomes come back in the order of `checks`, whatever order GX evaluated them in.
    """
    unknown = {check.frame for check in checks} - set(frames)
    if unknown:
        raise ValueError(f"{suite}: checks name frames that were not given: {', '.join(sorted(unknown))}")
    outcomes: dict[int, CheckOutcome] = {}
    for frame_name, frame in frames.items():
        on_frame = {i: check for i, check in enumerate(checks) if check.frame == frame_name}
        if not on_frame:
            continue
        source_name = f"frame_{frame_name}"
        try:
            validation = _batch(source_name, frame).validate(
                _suite(suite, frame_name, on_frame), result_format="SUMMARY"
            )
        finally:
            # The data source's execution engine caches each batch it loaded, the whole frame, for as
            # long as the (cached) context lives: hundreds of MB held through the rest of a refresh.
            _context().data_sources.delete(source_name)
        for evaluated in validation.results:
            index = evaluated.expectation_config.meta["check"]
            result = evaluated.result or {}
            success = bool(evaluated.success)
            outcomes[index] = CheckOutcome(
                description=evaluated.expectation_config.description,
                expectation=type(on_frame[index].expectation).__name__,
                frame=frame_name,
                success=success,
                unexpected_count=result.get("unexpected_count"),
                examples=[] if success else _examples(frame, result),
                observed=None if success else result.get("observed_value"),
            )
    return SuiteResult(suite, [outcomes[i] for i in range(len(checks))])
