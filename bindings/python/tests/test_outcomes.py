"""Every outcome vector (tests/vectors/process) through `Verifier.process` and
`Verifier.process_async`: the outcome, its HTTP status and its answer body."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import outcome_vectors as vectors

CASES = [pytest.param(case, id=case["name"]) for case in vectors.cases()]


def test_every_provider_has_every_outcome() -> None:
    seen = {(case["provider"], case["expect"]["outcome"]) for case in vectors.cases()}
    providers = {provider for provider, _ in seen}
    kinds = ["processed", "duplicate", "in_progress", "rejected", "handler_failed", "store_unavailable"]
    assert providers >= {"sentinel", "docintell", "sentrasa", "kyc", "sensei", "github", "standard"}
    assert all((provider, kind) in seen for provider in providers for kind in kinds)


@pytest.mark.parametrize("case", CASES)
def test_process(case: dict[str, Any]) -> None:
    outcome = vectors.verifier(case).process(
        vectors.body(case), vectors.headers(case), vectors.store(case), vectors.handler(case)
    )
    assert outcome.kind == case["expect"]["outcome"]
    assert outcome.status == outcome.answer.status
    assert outcome.acknowledged == (outcome.kind in ("processed", "duplicate"))
    vectors.check(case, outcome.answer.status, outcome.answer.body)


@pytest.mark.parametrize("case", CASES)
def test_process_async(case: dict[str, Any]) -> None:
    outcome = asyncio.run(
        vectors.verifier(case).process_async(
            vectors.body(case), vectors.headers(case), vectors.store(case), vectors.handler(case)
        )
    )
    assert outcome.kind == case["expect"]["outcome"]
    vectors.check(case, outcome.answer.status, outcome.answer.body)
