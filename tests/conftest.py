import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def seed_file() -> Path:
    """The published 2024 disclosure of unit 451, kept beside the repository in shared/seed/."""
    d = Path(os.environ.get("BUDGETXL_SEED_DIR", REPO.parent / "shared" / "seed"))
    files = sorted(d.glob("*.txt"))
    if not files:
        pytest.fail(f"seed disclosure text not found in {d} (set BUDGETXL_SEED_DIR)")
    return files[0]


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return seed_file()


@pytest.fixture(scope="session")
def profile():
    from budgetxl.spec import load_profile

    return load_profile()


@pytest.fixture()
def sample():
    import budgetxl

    return budgetxl.load_sample()


@pytest.fixture(scope="session")
def sample_facts() -> Path:
    return REPO / "samples" / "451_2024" / "facts.csv"
