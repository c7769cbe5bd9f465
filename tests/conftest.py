from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


SEED_FIXTURE = REPO / "tests" / "data" / "seed_tables.json"


def _fixture_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_seed_fixture", REPO / "tests" / "data" / "make_seed_fixture.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_file() -> Path:
    """The published 2024 disclosure of unit 451, kept beside the repository in shared/seed/ (or
    $BUDGETXL_SEED_DIR). A fresh clone has no such folder: a test that needs the whole text (the
    narrative, the projects …) is then skipped; the nine tables are in tests/data/seed_tables.json."""
    found = _fixture_script().seed_text_file()
    if found is None:
        pytest.skip(f"the seed disclosure text is not in {_fixture_script().seed_dir()} (a checkout without "
                    "../shared/seed; set BUDGETXL_SEED_DIR): only its nine tables are in the repository")
    return found


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return seed_file()


@pytest.fixture(scope="session")
def seed_tables() -> dict:
    """The figures and labels of the seed's nine tables, as printed (tests/data/seed_tables.json)."""
    import json

    return json.loads(SEED_FIXTURE.read_text("utf-8"))


@pytest.fixture(scope="session")
def seed_tables_path(seed_tables, tmp_path_factory) -> Path:
    """The seed's nine tables as a disclosure text (made from the fixture; present in every clone)."""
    out = tmp_path_factory.mktemp("seed") / "seed_tables.txt"
    out.write_text(_fixture_script().as_text(seed_tables), "utf-8")
    return out


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


# ---------------------------------------------------------------------------------- the fast core
# Tests that need LibreOffice (recalculation, PDF conversion) are marked `lo`: `pytest -m "not lo"`
# is the fast core, everything that needs no LibreOffice. A test is `lo` when its module is about
# LibreOffice output, when it carries the "LibreOffice not installed" skip, or when it says so with
# @pytest.mark.lo.
LO_MODULES = {"test_lo", "test_print", "test_publication"}


def pytest_configure(config):
    config.addinivalue_line("markers", "lo: needs LibreOffice (soffice); pytest -m 'not lo' runs the fast core")


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = getattr(item, "module", None)
        name = module.__name__.rsplit(".", 1)[-1] if module is not None else ""
        skips = [str(m.kwargs.get("reason", "")) for m in item.iter_markers("skipif")]
        if name in LO_MODULES or any("LibreOffice" in r for r in skips):
            item.add_marker(pytest.mark.lo)


@pytest.fixture(scope="session")
def official_pdf(tmp_path_factory):
    """The bundled sample's official tables rendered and printed to PDF by LibreOffice (skipped
    where LibreOffice is not installed)."""
    import budgetxl
    from budgetxl import lo
    from budgetxl.render.official import render_official

    if lo.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    d = tmp_path_factory.mktemp("official")
    render_official(budgetxl.load_sample(), d / "公开表.xlsx")
    lo.convert(d / "公开表.xlsx", d / "公开表.pdf", "pdf")
    return d / "公开表.pdf"
