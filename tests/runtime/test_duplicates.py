"""The per-process ledger of deliveries: bounded, expiring, and shared safely by threads.

(The service end to end — fifty copies of one delivery over HTTP — is in
tests/reliability/test_concurrency.py; a redelivery after a 502 in test_redelivery.py.)
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from gh_promotion.runtime.duplicates import DeliveryLedger


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_handled_delivery_is_remembered_until_its_ttl_runs_out():
    clock = Clock()
    ledger = DeliveryLedger(ttl=300, clock=clock)
    entry, first = ledger.claim("d-1")
    assert first
    ledger.finish("d-1", entry, "answer", keep=True)
    clock.now += 299
    again, first = ledger.claim("d-1")
    assert (again, first, again.answer) == (entry, False, "answer")
    clock.now += 2
    fresh, first = ledger.claim("d-1")
    assert first and fresh is not entry


def test_an_answer_not_kept_is_handed_to_waiting_copies_but_not_remembered():
    ledger = DeliveryLedger()
    entry, _ = ledger.claim("d-1")
    waiting, first = ledger.claim("d-1")
    ledger.finish("d-1", entry, "502", keep=False)
    assert not first and waiting.done.is_set() and waiting.answer == "502"
    assert ledger.claim("d-1")[1] is True  # the redelivery is handled again


def test_the_ledger_holds_at_most_its_capacity():
    ledger = DeliveryLedger(capacity=3)
    for n in range(10):
        entry, _ = ledger.claim(f"d-{n}")
        ledger.finish(f"d-{n}", entry, n, keep=True)
    assert len(ledger) == 3
    assert ledger.claim("d-9")[0].answer == 9
    assert ledger.claim("d-0")[1] is True  # the oldest was forgotten


def test_one_of_many_concurrent_claims_is_first_and_the_others_get_its_answer():
    ledger = DeliveryLedger()
    start = threading.Barrier(32)

    def claim(_: int) -> tuple[bool, object]:
        start.wait()
        entry, first = ledger.claim("d-1")
        if first:
            ledger.finish("d-1", entry, "the answer", keep=True)
        entry.done.wait(5)
        return first, entry.answer

    with ThreadPoolExecutor(max_workers=32) as pool:
        claims = list(pool.map(claim, range(32)))
    assert sum(first for first, _ in claims) == 1
    assert {answer for _, answer in claims} == {"the answer"}
