"""The inbox worker's loop, in threads (``run``) or asyncio tasks (``run_async``). The
native ``_Claimer`` claims each delivery and checks it again, and ``Job._finish``
applies the core's rules (done, retry with backoff and jitter, dead letter); this module
only runs the handler between them, logs, and stops gracefully."""

from __future__ import annotations

import asyncio
import inspect
import logging
import signal
import threading
import time
from typing import TYPE_CHECKING, Any, Callable

from ._errors import StoreError

if TYPE_CHECKING:
    from ._hookshield import Inbox, Job, _Claimer

logger = logging.getLogger("hookshield")

__all__ = ["Worker"]


def _describe(exc: BaseException) -> str:
    """``TypeName: message``: the error a retry or dead letter records."""
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _wait_for(threads: list[threading.Thread]) -> None:
    """Returns once every thread has ended. It sleeps rather than joins: a join that
    KeyboardInterrupt breaks may report a live thread as ended (CPython before 3.13)."""
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.05)


class Worker:
    """Runs ``handler(event, job)`` on an inbox's deliveries, ``concurrency`` at a time.

    Built by ``Inbox.worker``. ``run()`` blocks in threads until ``stop()`` (from a
    handler, a signal handler or another thread), ``KeyboardInterrupt`` or, when it runs
    in the main thread, SIGTERM; ``await
    run_async()`` runs tasks on the current event loop (async handlers are awaited, sync
    ones run in a worker thread) until ``stop()`` or cancellation. Stopping is graceful
    either way: a handler that has started finishes and its delivery is finished; a
    delivery claimed but not started is released (pending again, its attempt not
    counted). Cancelling ``run_async`` is not: the handlers running are cancelled and
    their deliveries released (a sync handler's thread runs on, its result unrecorded,
    while another worker may claim the delivery).

    A handler that raises is logged (``logger.exception`` on the ``hookshield`` logger)
    and its delivery retried after the backoff, or made a dead letter after
    ``max_attempts``. Delivery to the handler is at least once (a worker killed
    mid-handler loses its lease, and another runs the handler again after it); marking
    done is exactly once. Use ``job.idempotency_key`` to make outside effects idempotent.
    """

    def __init__(
        self,
        inbox: Inbox,
        handler: Callable[..., Any],
        claimer: _Claimer,
        concurrency: int,
        poll_interval: float,
    ) -> None:
        self.inbox = inbox
        self.handler = _with_job(handler)
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self._claimer = claimer
        self._stopped = threading.Event()
        # Whether claiming fails: logged once when it starts failing and once when it
        # recovers, not on every poll of every thread.
        self._failing = False
        self._failing_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    @property
    def stopped(self) -> bool:
        """Whether ``stop()`` was called."""
        return self._stopped.is_set()

    def stop(self) -> None:
        """Asks the worker to stop: each thread or task finishes the delivery it is
        handling, then ``run`` / ``run_async`` returns. Safe from any thread."""
        self._stopped.set()
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the loop is closed: nothing waits on it
                pass

    # Threads.

    def run(self) -> None:
        """Handles deliveries in ``concurrency`` threads until ``stop()``,
        ``KeyboardInterrupt`` or SIGTERM (run from the main thread, it handles SIGTERM
        while it runs), then returns once every thread has finished what it started. A
        stopped worker stays stopped (``run`` returns at once)."""
        threads = [
            threading.Thread(target=self._thread_loop, name=f"hookshield-worker-{n}", daemon=True)
            for n in range(self.concurrency)
        ]
        restore = self._on_sigterm()
        try:
            for thread in threads:
                thread.start()
            _wait_for(threads)
        except KeyboardInterrupt:  # a second one, while waiting, ends it at once
            logger.info("hookshield worker: interrupted, finishing the deliveries in hand")
            self.stop()
            _wait_for(threads)
        finally:
            restore()

    def _on_sigterm(self) -> Callable[[], object]:
        """In the main thread, makes SIGTERM (what service managers send) stop the worker
        gracefully, as Ctrl-C does, until the returned function puts the previous
        handler back."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def stop(signum: int, frame: Any) -> None:
            logger.info("hookshield worker: SIGTERM, finishing the deliveries in hand")
            self.stop()

        previous = signal.signal(signal.SIGTERM, stop)
        # None: the previous handler was not set from Python; the default is restored.
        return lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)

    def _thread_loop(self) -> None:
        while not self._stopped.is_set():
            job = self._claim()
            if job is None:
                self._stopped.wait(self.poll_interval)
                continue
            if self._stopped.is_set():
                self._release(job)
                return
            self._handle(job)

    def _claim(self) -> Job | None:
        try:
            job = self._claimer.next()
        except StoreError as exc:
            if self._set_failing(True):
                logger.error(
                    "hookshield worker: the inbox failed (%s): %s; trying again every poll_interval",
                    exc.code,
                    exc.message,
                )
            return None
        if self._failing and self._set_failing(False):
            logger.warning("hookshield worker: the inbox answers again")
        return job

    def _set_failing(self, failing: bool) -> bool:
        """Records whether claiming fails; whether that changed (what is logged)."""
        with self._failing_lock:
            changed = self._failing != failing
            self._failing = failing
            return changed

    def _handle(self, job: Job) -> None:
        try:
            result = self.handler(job.event, job)
            if inspect.isawaitable(result):
                close = getattr(result, "close", None)
                if close is not None:
                    close()
                raise TypeError("the handler returned an awaitable: use `await worker.run_async()` for async handlers")
        except Exception as exc:
            self._log_failure(job, exc)
            self._finish(job, _describe(exc))
        except BaseException:
            self._release(job)
            raise
        else:
            self._finish(job, None)

    # Tasks.

    async def run_async(self) -> None:
        """Handles deliveries in ``concurrency`` tasks on the running event loop until
        ``stop()`` or cancellation (the deliveries in hand are finished or released)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        tasks = [asyncio.ensure_future(self._task_loop()) for _ in range(self.concurrency)]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            self.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            self._loop = self._wake = None

    async def _task_loop(self) -> None:
        assert self._wake is not None
        wake = self._wake
        while not self._stopped.is_set():
            job = await asyncio.to_thread(self._claim)
            if job is None:
                try:
                    await asyncio.wait_for(wake.wait(), self.poll_interval)
                except asyncio.TimeoutError:
                    pass
                continue
            if self._stopped.is_set():
                await asyncio.to_thread(self._release, job)
                return
            await self._handle_async(job)

    async def _handle_async(self, job: Job) -> None:
        try:
            if inspect.iscoroutinefunction(self.handler) or inspect.iscoroutinefunction(
                getattr(self.handler, "__call__", None)
            ):
                await self.handler(job.event, job)
            else:
                result = await asyncio.to_thread(self.handler, job.event, job)
                if inspect.isawaitable(result):
                    await result
        except asyncio.CancelledError:
            # Cancelled mid-handler: give the delivery back, then stop.
            self._release(job)
            raise
        except Exception as exc:
            self._log_failure(job, exc)
            await asyncio.to_thread(self._finish, job, _describe(exc))
        except BaseException:
            self._release(job)
            raise
        else:
            await asyncio.to_thread(self._finish, job, None)

    # Both.

    def _log_failure(self, job: Job, exc: BaseException) -> None:
        logger.exception(
            "the %s webhook handler failed on %s (attempt %d); the delivery will be retried or become a dead letter",
            job.provider,
            job.idempotency_key,
            job.attempt,
            exc_info=exc,
        )

    def _finish(self, job: Job, error: str | None) -> None:
        try:
            state = job._finish(error)
        except StoreError as exc:
            logger.warning(
                "hookshield worker: could not record %s (%s): %s", job.idempotency_key, exc.code, exc.message
            )
            return
        if state == "dead":
            logger.error(
                "the %s delivery %s is a dead letter after %d attempts (last error: %s)",
                job.provider,
                job.idempotency_key,
                job.attempt,
                error,
            )

    def _release(self, job: Job) -> None:
        try:
            job._release()
        except StoreError as exc:  # its lease ends anyway, and frees it
            logger.warning("hookshield worker: could not release %s: %s", job.idempotency_key, exc.message)

    def __repr__(self) -> str:
        return f"Worker({self.inbox!r}, concurrency={self.concurrency})"


def _with_job(handler: Callable[..., Any]) -> Callable[..., Any]:
    """``handler`` as ``handler(event, job)``: a ``Router`` takes the event alone (its
    async handlers' awaitables are awaited by ``run_async``, refused by ``run``)."""
    from ._hookshield import Router

    if isinstance(handler, Router):
        router = handler
        return lambda event, job: router(event)
    return handler
