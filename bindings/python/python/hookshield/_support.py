"""Pure-Python helpers the native module calls: the claim-state enum and the async
parts of processing (the native module has no event loop of its own)."""

from __future__ import annotations

import enum
import inspect
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Sequence

if TYPE_CHECKING:
    from ._hookshield import Claim, Event, Outcome

__all__ = ["ClaimState"]


class ClaimState(str, enum.Enum):
    """What ``MemoryStore.begin`` found; compares equal to its string value."""

    FRESH = "fresh"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    def __str__(self) -> str:
        return self.value


async def process_async(
    claimed: Claim[Any] | Outcome[Any], handler: Callable[[Any], Any]
) -> Outcome[Any]:
    """Runs ``handler`` (sync or async) on a claim and finishes it."""
    from ._hookshield import Claim

    if not isinstance(claimed, Claim):
        return claimed
    try:
        result = handler(claimed.event)
        if inspect.isawaitable(result):
            await result
    except Exception as exc:  # the claim is released; the outcome carries it
        return claimed.finish(exc)
    except BaseException as exc:  # cancellation, KeyboardInterrupt: release, re-raise
        claimed.finish(exc)
        raise
    return claimed.finish()


async def await_then_rest(
    first: Awaitable[Any], rest: Sequence[Callable[[Any], Any]], event: Event
) -> None:
    """Awaits a router handler's awaitable, then runs the remaining handlers in order."""
    await first
    for handler in rest:
        result = handler(event)
        if inspect.isawaitable(result):
            await result
