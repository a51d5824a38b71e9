"""
Every benchmark under bench/ still runs, on a tiny data set, and prints its ratios.

The numbers themselves are not judged here (timings belong to the benches, not
the suite); what fails is a bench that crashes or stops printing what it
promises, so that `python bench/...` keeps working between the runs that
measure.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BENCH = Path(__file__).resolve().parents[2] / "bench"
WEB_ROW = r"^(?:user|admin)\s+\w+\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+\d+$"

CASES = [
    # script and tiny arguments, the pattern of one ratio, how many the run prints
    (
        "analytics.py",
        ["--scale", "0.01", "--repeat", "3", "--min-seconds", "0"],
        r"ratio\s+([\d.]+)$",
        12,  # summary, daily, 3 breakdowns and the video list, for a user and an admin
    ),
    (
        "sync.py",
        ["--videos", "20", "--latency", "0.01", "--limits", "5", "10"],
        r"ratio ([\d.]+)",
        2,
    ),
    ("ad_import.py", ["--sizes", "500"], r"ratio raw/import\s+([\d.]+)", 1),
    (
        "web.py",
        ["--scale", "0.01", "--skip-load", "--repeat", "3", "--min-seconds", "0"],
        WEB_ROW,
        8,
    ),
]


@pytest.mark.parametrize(("script", "args", "pattern", "count"), CASES, ids=[c[0] for c in CASES])
def test_bench_prints_its_ratios(script: str, args: list[str], pattern: str, count: int) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    ratios = [float(r) for r in re.findall(pattern, done.stdout, re.MULTILINE)]
    assert len(ratios) == count, f"{script} printed {len(ratios)} ratios:\n{done.stdout}"
    assert all(math.isfinite(r) and r > 0 for r in ratios), done.stdout
