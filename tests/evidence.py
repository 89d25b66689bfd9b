"""What a system test saw (sacct lines, MLflow run counts, DVC diffs), written beside its screenshots in
tests/artifacts/ so a reader can check a claim of the suite without rerunning it."""
from __future__ import annotations

from tests.browser import ARTIFACTS


def record(name: str, text: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.txt").write_text(text.rstrip() + "\n")
