from __future__ import annotations

import os
import pathlib

import pytest

HERE = pathlib.Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent
REPO_ROOT = PACKAGE_ROOT.parent.parent


def vectors_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("HOOKSHIELD_VECTORS", REPO_ROOT / "tests" / "vectors"))


@pytest.fixture
def now() -> int:
    return 1_778_839_500  # 2026-05-15T10:05:00Z, when the samples were sent
