"""The wheel carries templates/ and samples/, and an installed budgetxl works outside the checkout."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                   check=True, capture_output=True)
    (whl,) = out.glob("budgetxl-*.whl")
    return whl


def test_wheel_contains_templates_and_samples(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for src in [*(REPO / "templates").rglob("*"), *(REPO / "samples").rglob("*")]:
        if src.is_file():
            rel = src.relative_to(REPO).as_posix()
            assert f"budgetxl/{rel}" in names, rel
    assert "budgetxl/cli.py" in names


@pytest.mark.lo  # the demo converts to PDF
def test_installed_wheel_runs_demo_outside_checkout(wheel, tmp_path):
    """The wheel installed the way a user installs it: into a venv of its own (no system site
    packages, so nothing of the test environment leaks in), dependencies resolved by pip from the
    configured index or find-links, exactly as README command 1 does."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    inst = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-compile", str(wheel)], env=env,
                          capture_output=True, text=True)
    assert inst.returncode == 0, inst.stdout + inst.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    # the venv is isolated: pytest (the test environment's, not a dependency) is not importable there,
    # and every declared dependency is
    probe = ("import importlib.util, importlib.metadata as m, re, budgetxl; "
             "deps = [re.split(r'[<>=!~ ;\\[]', r)[0] for r in m.requires('budgetxl') if 'extra' not in r]; "
             "mods = {'python-calamine': 'python_calamine', 'python-docx': 'docx'}; "
             "missing = [d for d in deps if importlib.util.find_spec(mods.get(d, d)) is None]; "
             "import json; print(json.dumps([budgetxl.__file__, importlib.util.find_spec('pytest') is None, missing]))")
    out = subprocess.run([str(py), "-c", probe], cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    where, isolated, missing = json.loads(out)
    assert str(venv) in where  # the installed copy, not the checkout
    assert isolated, "the test venv sees the test environment's packages"
    assert missing == []
    res = subprocess.run([str(venv / "bin" / "budgetxl"), "demo", "out"], cwd=work, env=env,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert (work / "out" / "451_2024_公开表.xlsx").is_file()
