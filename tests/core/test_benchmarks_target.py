"""`make benchmarks` runs every benchmark script under benchmarks/, and only scripts that run on their own."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _scripts_make_runs() -> list[str]:
    # make -n prints the recipe with $(filter-out ...) expanded: the list of scripts the loop runs.
    out = subprocess.run(["make", "-n", "benchmarks"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return re.findall(r"benchmarks/\w+\.py", out.split("for script in", 1)[1].split(";", 1)[0])


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_benchmarks_runs_only_scripts_that_run_on_their_own():
    scripts = _scripts_make_runs()
    assert "benchmarks/checkin.py" in scripts and "benchmarks/serving.py" in scripts
    for script in scripts:  # the bare endpoint is an app the check-in benchmarks serve, not a script
        assert 'if __name__ == "__main__":' in (ROOT / script).read_text(), script
