"""The delivery thread pool: more threads for deliveries that wait, not for those that compute.

The pool is driven as the service's event loop drives it (``add_task``, then
``fit`` on every turn); the tasks are stand-ins for waitress channels, since
what is under test is how many run at once, not HTTP (the service tests cover
the same pool over HTTP with a simulated GitHub, ``tests/reliability``).
"""

from __future__ import annotations

import threading
import time

from gh_promotion.runtime.waitress_server import DeliveryPool


class Task:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = self.ended = 0.0
        self.done = threading.Event()

    def service(self) -> None:
        self.started = time.monotonic()
        time.sleep(self.seconds)
        self.ended = time.monotonic()
        self.done.set()

    def cancel(self) -> None:
        self.done.set()


def run(pool: DeliveryPool, tasks: list[Task], timeout: float = 30) -> None:
    for task in tasks:
        pool.add_task(task)
    deadline = time.monotonic() + timeout
    while not all(task.done.is_set() for task in tasks) and time.monotonic() < deadline:
        pool.fit()  # what the service's event loop does on each turn
        time.sleep(0.05)


def test_deliveries_that_wait_each_get_a_thread_so_they_run_at_once() -> None:
    pool = DeliveryPool(computing=4, most=24)
    waiting = [Task(3.0) for _ in range(20)]
    try:
        run(pool, waiting)
    finally:
        pool.shutdown(timeout=5)
    assert all(task.ended for task in waiting)
    assert max(task.started for task in waiting) < min(task.ended for task in waiting)


def test_deliveries_that_compute_do_not_grow_the_pool() -> None:
    pool = DeliveryPool(computing=4, most=24)
    quick = [Task(0.0) for _ in range(200)]
    try:
        run(pool, quick)
        assert len(pool.threads) - pool.stop_count == 4
    finally:
        pool.shutdown(timeout=5)
    assert all(task.done.is_set() for task in quick)


def test_the_pool_shrinks_back_once_the_waiting_is_over() -> None:
    pool = DeliveryPool(computing=2, most=10)
    try:
        run(pool, [Task(1.0) for _ in range(8)])
        pool.fit()
        assert len(pool.threads) - pool.stop_count == 2
    finally:
        pool.shutdown(timeout=5)
