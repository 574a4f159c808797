"""The package as a packager sees it: its metadata, what the sdist carries, and the companion
running from a zip (zipapp) and from the wheel installed by pipx and by uv in fresh homes.

The installer tests need a built wheel and the installers; they run in CI (.ci/run builds the
wheel and sets COMPANION_WHEEL) and are skipped with a reason elsewhere.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipapp
from pathlib import Path

import pytest

import runaway_companion
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
# what the example show says at episode 2, finished (data/example), and what the shipped pack's
# start says of itself: enough to know the command ran on the pack it was given
EXAMPLE_LINE = "Tom Marsh"


# --- metadata ------------------------------------------------------------------------------


def test_the_version_is_written_once_in_the_package():
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "runaway_companion.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", runaway_companion.__version__)
    assert importlib.metadata.version("runaway-companion") == runaway_companion.__version__


def test_the_license_is_an_spdx_expression_with_its_file():
    assert PROJECT["license"] == "MIT"
    for name in PROJECT["license-files"]:
        assert "MIT License" in (ROOT / name).read_text(encoding="utf-8")
    # an SPDX license and a License :: classifier together are refused by the build
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]
    floor = re.search(r"setuptools>=(\d+)", " ".join(PYPROJECT["build-system"]["requires"]))
    assert floor and int(floor.group(1)) >= 77  # the first setuptools with license-files


def test_the_package_index_page_links_only_to_absolute_addresses():
    readme = PROJECT["readme"]
    page = (ROOT / readme["file"]).read_text(encoding="utf-8")
    assert readme["content-type"] == "text/markdown"
    targets = re.findall(r"\]\(([^)\s]+)\)", page) + re.findall(r"<(?:img|a)\s[^>]*(?:src|href)=\"([^\"]+)\"", page)
    assert [t for t in targets if not t.startswith("https://")] == []
    # the commands it shows are the companion's own
    for command in re.findall(r"^companion ([a-z][a-z-]*)", page, flags=re.M):
        assert f"companion {command}" in (ROOT / "README.md").read_text(encoding="utf-8"), command


# --- the sdist -----------------------------------------------------------------------------


def _tracked_files() -> list[str] | None:
    """The repository's files (None outside a git checkout, e.g. in an unpacked sdist)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], capture_output=True,
                         timeout=60)
    if out.returncode != 0:
        return None
    return [f for f in out.stdout.decode().split("\0") if f and (ROOT / f).is_file()]


def _build_sdist(tree: list[str], out: Path) -> Path:
    """Build the sdist of ``tree`` (a copy of the repository's files) with setuptools itself."""
    given = os.environ.get("COMPANION_SDIST")
    if given:
        return Path(given)
    spec = importlib.util.find_spec("setuptools")
    version = importlib.metadata.version("setuptools") if spec else "0"
    if int(version.split(".")[0]) < 77:
        pytest.skip(f"building the sdist needs setuptools>=77 (this environment has {version}); "
                    "CI builds it and sets COMPANION_SDIST")
    src = out / "src"
    for name in tree:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    dist = out / "dist"
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from setuptools import build_meta as b; "
                               "print(b.build_sdist(sys.argv[1]))", str(dist)],
        cwd=src, capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dist / proc.stdout.split()[-1]


def test_the_sdist_carries_every_file_the_tests_read(tmp_path):
    tree = _tracked_files()
    if tree is None:
        pytest.skip("not a git checkout (an unpacked sdist is already what it carries)")
    sdist = _build_sdist(tree, tmp_path)
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    # everything but the repository's own housekeeping
    needed = {f for f in tree if f not in (".gitignore",)}
    assert sorted(needed - names) == []
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


# --- from a zip ----------------------------------------------------------------------------


def _zipapp(tmp_path: Path) -> Path:
    """The package (with the shipped packs) and the libraries the CLI needs, in one zip file,
    as a zipapp or a pex lays them out."""
    stage = tmp_path / "stage"
    package = Path(runaway_companion.__file__).parent
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(package, stage / "runaway_companion", ignore=ignore)
    packs = Path(importlib.util.find_spec("runaway_companion.packs").submodule_search_locations[0])
    if not (stage / "runaway_companion" / "packs").exists():  # an editable install maps it
        shutil.copytree(packs, stage / "runaway_companion" / "packs", ignore=ignore)
    for library in ("rich", "yaml", "platformdirs", "markdown_it", "mdurl", "pygments"):
        spec = importlib.util.find_spec(library)
        if spec is not None and spec.submodule_search_locations:
            # (compiled modules cannot load from a zip: PyYAML falls back to its pure-Python one)
            shutil.copytree(spec.submodule_search_locations[0], stage / library,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so"))
    # (the package's own __main__, as `python -m`: zipapp's generated one drops the exit code)
    shutil.copy2(stage / "runaway_companion" / "__main__.py", stage / "__main__.py")
    target = tmp_path / "companion.pyz"
    zipapp.create_archive(stage, target)
    return target


def _run_zip(app: Path, *args: str, home: Path) -> subprocess.CompletedProcess:
    # -I -S: no site-packages, no PYTHON* variables — only the zip and the standard library
    return subprocess.run([sys.executable, "-I", "-S", str(app), *args], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL,
                          env={"HOME": str(home), "PATH": os.environ.get("PATH", ""),
                               "COMPANION_STATE_DIR": str(home / "state"),
                               "COMPANION_CACHE_DIR": str(home / "cache")})


def test_the_cli_runs_from_a_zipapp_with_its_shipped_packs(tmp_path):
    app = _zipapp(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    example = _run_zip(app, "--pack", "example", "show", "characters", "--episode", "2",
                       "--at", "end", home=home)
    assert example.returncode == 0, example.stderr
    assert EXAMPLE_LINE in example.stdout and "Traceback" not in example.stderr
    shipped = _run_zip(app, "show", "characters", "--episode", "1", home=home)
    assert shipped.returncode == 0 and shipped.stdout.strip(), shipped.stderr
    validate = _run_zip(app, "validate", home=home)
    assert (validate.returncode, validate.stdout.strip()) == (0, "ok"), validate.stderr
    where = _run_zip(app, "where", home=home)
    assert str(app) in where.stdout, where.stdout  # the pack is found inside the archive
    # the scaffold and the schemas are read from inside the archive too
    made = _run_zip(app, "new-pack", str(home / "new"), home=home)
    assert made.returncode == 0, made.stderr
    assert _run_zip(app, "validate", str(home / "new"), home=home).stdout.strip() == "ok"
    assert (home / "new" / "schemas" / "show.schema.json").is_file()
    # a pack name that is not shipped is still one line, exit 1, from a zip too
    missing = _run_zip(app, "--pack", "nothing-here", "show", "characters", home=home)
    assert missing.returncode == 1 and "pack folder not found" in missing.stderr
    assert "Traceback" not in missing.stderr


# --- installers ----------------------------------------------------------------------------


def _wheel() -> Path:
    given = os.environ.get("COMPANION_WHEEL")
    if not given or not Path(given).is_file():
        pytest.skip("needs a built wheel: CI builds one and sets COMPANION_WHEEL")
    return Path(given)


def _fresh_home(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COMPANION_", "PIPX_", "UV_", "VIRTUAL_ENV", "XDG_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local/state"),
               XDG_CONFIG_HOME=str(home / ".config"))
    return env


def _installer(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (CI installs it from PyPI into a venv of its own)")
    return found


def _run_installed(bin_dir: Path, env: dict[str, str]) -> None:
    companion = bin_dir / "companion"
    assert companion.is_file(), sorted(p.name for p in bin_dir.iterdir()) if bin_dir.is_dir() else bin_dir
    out = subprocess.run([str(companion), "--pack", "example", "show", "characters",
                          "--episode", "2", "--at", "end"], capture_output=True, text=True,
                         env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0 and EXAMPLE_LINE in out.stdout, out.stderr
    out = subprocess.run([str(companion), "show", "characters", "--episode", "2"],
                         capture_output=True, text=True, env=env, timeout=120,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0 and out.stdout.strip(), out.stderr
    version = subprocess.run([str(companion), "--version"], capture_output=True, text=True,
                             env=env, timeout=60)
    assert version.stdout.strip() == f"companion {runaway_companion.__version__}"


def test_pipx_installs_the_wheel_and_it_runs_in_a_fresh_home(tmp_path):
    wheel, pipx = _wheel(), _installer("pipx")
    env = _fresh_home(tmp_path)
    env.update(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"))
    proc = subprocess.run([pipx, "install", f"{wheel}[serve]"], capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    _run_installed(tmp_path / "bin", env)


def test_uv_tool_installs_the_wheel_and_it_runs_in_a_fresh_home(tmp_path):
    wheel, uv = _wheel(), _installer("uv")
    env = _fresh_home(tmp_path)
    env.update(UV_TOOL_DIR=str(tmp_path / "uv-tools"), UV_TOOL_BIN_DIR=str(tmp_path / "bin"),
               UV_CACHE_DIR=str(tmp_path / "uv-cache"))
    proc = subprocess.run([uv, "tool", "install", f"runaway-companion[serve] @ {wheel.as_uri()}"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    _run_installed(tmp_path / "bin", env)
