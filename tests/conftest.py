from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture
def core_template_dir() -> Path:
    return DATA / "core_template"


@pytest.fixture
def core_template(core_template_dir):
    from drafter.templates.loader import load_template

    return load_template(str(core_template_dir))


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never write into the user's real cache folder."""
    import os

    os.environ["DRAFTER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
