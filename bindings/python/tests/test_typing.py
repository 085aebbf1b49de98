"""The stubs narrow `event.data` from `event.type`, for mypy and pyright alike."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLE = HERE / "typing" / "narrowing.py"


def _mypy(path: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        capture_output=True,
        text=True,
        cwd=HERE,
    )


def _pyright(path: pathlib.Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("pyright", path=str(pathlib.Path(sys.executable).parent))
    if exe is None:
        pytest.skip("pyright is not installed")
    return subprocess.run(
        [exe, "--pythonpath", sys.executable, str(path)], capture_output=True, text=True, cwd=HERE
    )


def test_narrowing_example_runs() -> None:
    sys.path.insert(0, str(EXAMPLE.parent))
    try:
        import narrowing

        narrowing.run_all()
    finally:
        sys.path.remove(str(EXAMPLE.parent))


@pytest.mark.parametrize("checker", [_mypy, _pyright], ids=["mypy", "pyright"])
def test_narrowing_type_checks(checker) -> None:  # type: ignore[no-untyped-def]
    result = checker(EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("checker", [_mypy, _pyright], ids=["mypy", "pyright"])
def test_wrong_narrowing_is_caught(checker, tmp_path: pathlib.Path) -> None:  # type: ignore[no-untyped-def]
    # The same example with one branch asserting another type's data must fail.
    text = EXAMPLE.read_text(encoding="utf-8")
    wrong = text.replace(
        'assert_type(event.data, "SenseiPhaseCompletedData")',
        'assert_type(event.data, "SenseiPhaseData")',
    )
    assert wrong != text
    bad = tmp_path / "bad_narrowing.py"
    bad.write_text(wrong, encoding="utf-8")
    result = checker(bad)
    assert result.returncode != 0
    assert "SenseiPhaseData" in result.stdout + result.stderr


def test_generated_event_stubs_are_up_to_date() -> None:
    import importlib.util

    tool = HERE.parent / "tools" / "gen_event_stubs.py"
    spec = importlib.util.spec_from_file_location("gen_event_stubs", tool)
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text = gen.STUB.read_text(encoding="utf-8")
    assert gen.render(text) == text, "run: python bindings/python/tools/gen_event_stubs.py"


def test_stubs_cover_every_documented_sample_type() -> None:
    import hookshield

    stub = (HERE.parent / "python" / "hookshield" / "_hookshield.pyi").read_text(encoding="utf-8")
    for provider in ("sentinel", "docintell", "sentrasa", "sensei"):
        for event_type in hookshield.sample_types(provider):
            assert f'Literal["{event_type}"]' in stub, (provider, event_type)
