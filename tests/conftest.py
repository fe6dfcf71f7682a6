"""Shared fixtures: a tiny real corpus (a slice of corpus/) and a tiny model trained on it once."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
import torch

from nextword.lm.train import TINY, tiny_corpus_text

ROOT = Path(__file__).resolve().parent.parent
TINY_OPTIONS = TINY  # the package's tiny preset: a model that trains in seconds

os.environ.setdefault("OMP_NUM_THREADS", "1")
torch.set_num_threads(1)

# Fuzz budgets: 1,000 examples per property in CI; scripts/fuzz.sh runs the "long" profile.
from hypothesis import HealthCheck, settings  # noqa: E402

_FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("ci", max_examples=1000, **_FUZZ)
settings.register_profile("long", max_examples=10_000, **_FUZZ)
settings.load_profile(os.environ.get("NEXTWORD_FUZZ_PROFILE", "ci"))  # tests share the 2 cores with each other and with benchmarks
warnings.filterwarnings("ignore", category=UserWarning, module="torch")


def tiny_text(n_chars: int = 120_000) -> str:
    """Real text from the default corpus: the start of the fortunes and of the handbook."""
    return tiny_corpus_text(ROOT / "corpus", n_chars // 2)


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    (d / "tiny.txt").write_text(tiny_text(), "utf-8")
    return d


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_corpus, tmp_path_factory) -> Path:
    import nextword

    out = tmp_path_factory.mktemp("models") / "tiny"
    return nextword.train(tiny_corpus, out, **TINY_OPTIONS)


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir):
    import nextword

    return nextword.load(tiny_model_dir)


@pytest.fixture(scope="session")
def bundled_model():
    """The bundled model, shared: for tests that only ask it (no learning)."""
    import nextword

    return nextword.load()


@pytest.fixture()
def fresh_model(tiny_model_dir):
    """A model object of its own (tests that change its state)."""
    import nextword

    return nextword.load(tiny_model_dir)


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory, monkeypatch) -> Path:
    """Every test (and every command it runs) gets its own user data folder: none touches the
    real one."""
    path = tmp_path_factory.mktemp("userdata") / "nextword"
    monkeypatch.setenv("NEXTWORD_DATA_DIR", str(path))
    return path
