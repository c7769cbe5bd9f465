"""The bundled sample: unit 451 曲阳县公安局交通管理大队, budget year 2024 (a real publication)."""

from __future__ import annotations

from pathlib import Path

from .resources import samples_dir

SAMPLE = "451_2024"


def sample_path(name: str = "") -> Path:
    d = samples_dir() / SAMPLE
    return d / name if name else d


def load_sample():
    """The sample unit's budget (from ``facts.csv``) with its supplementary parts attached."""
    from .facts import read_facts
    from .supplement import load_supplement

    budget = read_facts(sample_path("facts.csv"))[0]
    budget.supplement = load_supplement(sample_path("supplement.toml"), budget.profile)
    return budget
