"""Headless Debian chromium for UI checks: the DOM after scripts ran, and a screenshot kept as a test artifact."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--window-size=1400,900"]


def chromium() -> str:
    """The chromium binary; skipped outside CI when absent (CI installs it in .ci/run, so there it must exist)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            raise AssertionError("chromium is not installed (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


def render(url: str, *, screenshot: Path | None = None, budget_ms: int = 8000, timeout: int = 120) -> str:
    """The page's DOM after `budget_ms` of virtual time (timers and scripts run); optionally a PNG screenshot."""
    binary = chromium()
    base = [binary, *FLAGS, f"--virtual-time-budget={budget_ms}"]
    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=timeout, check=True).stdout
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([*base, f"--screenshot={screenshot}", url], capture_output=True, timeout=timeout, check=True)
        assert screenshot.stat().st_size > 5000, f"{screenshot}: screenshot is empty"
    return dom
