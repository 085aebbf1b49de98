"""Pure-Python helpers the native module calls: the claim-state enum and the async
parts of processing (the native module has no event loop of its own)."""

from __future__ import annotations

import asyncio
import enum
import functools
import inspect
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Sequence, TypeVar

if TYPE_CHECKING:
    from ._hookshield import Body, Claim, Event, HeadersLike, Outcome, Store, Verifier

_T = TypeVar("_T")

__all__ = ["ClaimState"]


class ClaimState(str, enum.Enum):
    """What ``MemoryStore.begin`` / ``RedisStore.begin`` found; compares equal to its
    string value."""

    FRESH = "fresh"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    def __str__(self) -> str:
        return self.value


async def process_async(
    claimed: Claim[Any] | Outcome[Any], handler: Callable[[Any], Any], remote: bool = False
) -> Outcome[Any]:
    """Runs ``handler`` (sync or async) on a claim and finishes it (off the loop for a
    ``remote`` store, see ``off_loop``)."""
    from ._hookshield import Claim

    if not isinstance(claimed, Claim):
        return claimed
    try:
        result = handler(claimed.event)
        if inspect.isawaitable(result):
            await result
    except Exception as exc:  # the claim is released; the outcome carries it
        return await off_loop(remote, claimed.finish, exc)
    except BaseException as exc:  # cancellation, KeyboardInterrupt: release, re-raise
        claimed.finish(exc)
        raise
    return await off_loop(remote, claimed.finish)


async def await_then_rest(
    first: Awaitable[Any], rest: Sequence[Callable[[Any], Any]], event: Event
) -> None:
    """Awaits a router handler's awaitable, then runs the remaining handlers in order."""
    await first
    for handler in rest:
        result = handler(event)
        if inspect.isawaitable(result):
            await result


def is_remote(store: object) -> bool:
    """Whether calls to ``store`` leave the process (and may wait for the network)."""
    from ._hookshield import RedisStore

    return isinstance(store, RedisStore)


async def off_loop(remote: bool, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``fn(*args, **kwargs)``; in a worker thread when it talks to a remote store and an
    asyncio loop is running, so a slow or unreachable store never blocks the loop (the
    native calls release the interpreter while they wait)."""
    if remote:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # another event loop (trio, ...): run inline
            pass
        else:
            return await asyncio.to_thread(functools.partial(fn, *args, **kwargs))
    return fn(*args, **kwargs)


async def process_async_remote(
    verifier: Verifier[Any],
    body: Body,
    headers: HeadersLike,
    store: Store,
    handler: Callable[[Any], Any],
    lease_seconds: float,
    retention_seconds: float | None,
) -> Outcome[Any]:
    """``process_async`` for a remote store: the claim and the finish run off the loop."""
    claimed = await off_loop(
        True,
        verifier.claim,
        body,
        headers,
        store,
        lease_seconds=lease_seconds,
        retention_seconds=retention_seconds,
    )
    return await process_async(claimed, handler, remote=True)
