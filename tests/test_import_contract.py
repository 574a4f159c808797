"""Headless core, thin UI: the import-linter contract in pyproject.toml holds."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contract_keeps_textual_out_of_the_core():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed (pip install '.[test]')")
    proc = subprocess.run([exe, "--no-cache", "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "KEPT" in proc.stdout


def test_core_modules_import_without_textual():
    code = ("import sys\n"
            "import runaway_companion.cli, runaway_companion.pack, runaway_companion.view, runaway_companion.state, runaway_companion.export,"
            " runaway_companion.audit, runaway_companion.render, runaway_companion.progress, runaway_companion.model, runaway_companion.session\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'textual']\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
