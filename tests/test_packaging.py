"""The wheel carries templates/ and samples/, and an installed budgetxl works outside the checkout."""

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


def test_installed_wheel_runs_demo_outside_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    # system site packages supply the dependencies; the wheel itself is installed non-editable
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    work = tmp_path / "elsewhere"
    work.mkdir()
    res = subprocess.run([str(venv / "bin" / "budgetxl"), "demo", "out"], cwd=work, env=env,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert (work / "out" / "451_2024_公开表.xlsx").is_file()
    where = subprocess.run([str(py), "-c", "import budgetxl, sys; print(budgetxl.__file__)"], cwd=work,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in where  # the installed copy, not the checkout
