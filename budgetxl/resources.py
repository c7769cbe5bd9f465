"""Where the shipped declarative data (``templates/``) lives: inside the wheel at
``budgetxl/templates``, in a source checkout at ``<repo>/templates``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if any(candidate.glob("*/profile.toml")):
            return candidate
    raise FileNotFoundError("找不到 budgetxl 的 templates 目录（表样定义与科目代码）：安装可能不完整")


def profile_dir(profile_id: str) -> Path:
    return templates_dir() / profile_id


def available_profiles() -> list[str]:
    return sorted(p.parent.name for p in templates_dir().glob("*/profile.toml"))


@lru_cache(maxsize=1)
def samples_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "samples", here.parent / "samples"):
        if (candidate / "451_2024").is_dir():
            return candidate
    raise FileNotFoundError("找不到 budgetxl 自带的示例数据（samples 目录）：安装可能不完整")
