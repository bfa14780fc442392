"""Interleaved timing and the figures printed: medians, spread, ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Samples:
    label: str
    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def spread(self) -> str:
        """min-max over the runs, as a percentage of the median."""
        if len(self.values) < 2 or not self.median:
            return "±0%"
        return f"{min(self.values):.4g}-{max(self.values):.4g} ({(max(self.values) - min(self.values)) / self.median:.0%})"


def interleaved(
    pairs: list[tuple[str, Callable[[], object]]], *, runs: int, budget_s: float
) -> list[Samples]:
    """Runs each callable once per round, in turn, ``runs`` rounds or until ``budget_s`` seconds
    have gone by (at least two rounds); returns the seconds of each run."""
    samples = [Samples(label) for label, _fn in pairs]
    started = time.perf_counter()
    for round_ in range(runs):
        for (_label, fn), sample in zip(pairs, samples, strict=True):
            t = time.perf_counter()
            fn()
            sample.values.append(time.perf_counter() - t)
        if round_ >= 1 and time.perf_counter() - started > budget_s:
            break
    return samples


def row(*cells, widths=(44, 14, 14, 30, 12)) -> str:
    return "  ".join(
        str(c).ljust(w) if i == 0 else str(c).rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=False))
    )


class Report:
    """Lines printed as they come and kept for the summary."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)
