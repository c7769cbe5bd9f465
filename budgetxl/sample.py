"""The bundled samples: real publications as data, one folder each under ``samples/``.

The first sample is unit 451 曲阳县公安局交通管理大队, budget year 2024 (the default profile); a
folder's ``sample.toml`` names the profile its data is laid out in (``profile = "…"``) when it is
not the default one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .resources import samples_dir
from .spec import DEFAULT_PROFILE

SAMPLE = "451_2024"


def sample_path(name: str = "", sample: str = SAMPLE) -> Path:
    d = samples_dir() / sample
    return d / name if name else d


def sample_profile(sample: str = SAMPLE) -> str:
    """The profile a sample's data is laid out in (its sample.toml, else the default)."""
    meta = sample_path("sample.toml", sample)
    if meta.is_file():
        return tomllib.loads(meta.read_text("utf-8")).get("profile", DEFAULT_PROFILE)
    return DEFAULT_PROFILE


def samples() -> list[str]:
    """Every bundled sample (a folder with a facts.csv), the default sample first."""
    names = sorted(p.parent.name for p in samples_dir().glob("*/facts.csv"))
    return sorted(names, key=lambda n: n != SAMPLE)


def load_sample(sample: str = SAMPLE):
    """A sample unit's budget (from ``facts.csv``) with its supplementary parts attached."""
    from .facts import read_facts
    from .supplement import load_supplement

    budget = read_facts(sample_path("facts.csv", sample), sample_profile(sample))[0]
    sup = sample_path("supplement.toml", sample)
    if sup.is_file():
        budget.supplement = load_supplement(sup, budget.profile)
    return budget
