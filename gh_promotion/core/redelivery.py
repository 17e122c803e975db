"""Which of the App's webhook deliveries to ask GitHub to redeliver, decided without I/O.

GitHub never redelivers a failed delivery by itself, so a push answered 502
(GitHub was failing us) or never answered (the service was down, or took over
GitHub's 10 s) is lost unless someone asks. The App's delivery log
(``GET /app/hook/deliveries``) lists every *attempt*; a redelivery is a new
attempt of the same GUID. The rules, per GUID, over the attempts inside the
look-back window:

- its latest attempt (the highest delivery id: ``delivered_at`` has one-second
  resolution) failed: no answer (``status_code`` 0, a timeout) or a 5xx. Then no
  later attempt succeeded, by definition;
- never a delivery answered 2xx (handled) or 4xx (our refusal: a bad signature,
  a malformed payload; sending it again cannot help), nor 3xx;
- only events gh-promotion acts on (``promotion.events``; a rollback push is a
  ``push``);
- one redelivery per GUID per run, of its latest attempt, oldest GUID first so
  that, redelivered in order, a newer change lands after an older one.

The runner (:mod:`gh_promotion.runtime.redeliver`) reads the log and asks; the
:class:`~gh_promotion.core.result.Result` of each GUID is built here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any, NamedTuple

from gh_promotion.core.result import Result, Status, Write

REDELIVER_ACTION = "redeliver"


class Attempt(NamedTuple):
    """One attempt of the App's delivery log (GitHub's "hook-delivery-item")."""

    id: int
    guid: str
    delivered_at: float  # epoch seconds
    status_code: int  # 0: no answer
    event: str
    action: str | None = None
    installation_id: int | None = None
    repository_id: int | None = None
    redelivery: bool = False

    @property
    def failed(self) -> bool:
        """Failed in a way a redelivery may cure: no answer, or a 5xx."""
        return self.status_code == 0 or self.status_code >= 500


class About(NamedTuple):
    """What a delivery's payload says it is about, for the Result (all may be empty)."""

    repository: str = ""
    source: str = ""  # a push's branch
    sha: str = ""  # a push's ``after``


def attempt_from_item(item: Any) -> Attempt | None:
    """The attempt a list item describes; None when it is not shaped like one."""
    if not isinstance(item, Mapping):
        return None
    number, guid, event = item.get("id"), item.get("guid"), item.get("event")
    delivered = _epoch(item.get("delivered_at"))
    code = item.get("status_code")
    if not (_is_int(number) and isinstance(guid, str) and isinstance(event, str)):
        return None
    if delivered is None or not _is_int(code):
        return None
    action = item.get("action")
    return Attempt(
        id=number,
        guid=guid,
        delivered_at=delivered,
        status_code=code,
        event=event,
        action=action if isinstance(action, str) else None,
        installation_id=_optional_int(item.get("installation_id")),
        repository_id=_optional_int(item.get("repository_id")),
        redelivery=item.get("redelivery") is True,
    )


def to_redeliver(
    attempts: Iterable[Attempt], *, acts_on: Collection[str], since: float
) -> list[Attempt]:
    """The latest attempt of each GUID seen since ``since`` that failed, of an event in
    ``acts_on``; oldest first."""
    latest: dict[str, Attempt] = {}
    for attempt in attempts:
        if attempt.delivered_at < since:
            continue
        known = latest.get(attempt.guid)
        if known is None or attempt.id > known.id:
            latest[attempt.guid] = attempt
    chosen = [a for a in latest.values() if a.failed and a.event in acts_on]
    return sorted(chosen, key=lambda a: a.id)


def attempts_of(guid: str, attempts: Iterable[Attempt]) -> int:
    """How many attempts of ``guid`` the log shows (the first delivery included)."""
    return sum(1 for attempt in attempts if attempt.guid == guid)


def about(payload: Any) -> About:
    """The repository (and, for a push, the branch and commit) a delivery's payload names."""
    if not isinstance(payload, Mapping):
        return About()
    repository = payload.get("repository")
    name = repository.get("full_name") if isinstance(repository, Mapping) else None
    ref, after = payload.get("ref"), payload.get("after")
    branch = ref.removeprefix("refs/heads/") if isinstance(ref, str) else ""
    return About(
        repository=name if isinstance(name, str) else "",
        source=branch if isinstance(ref, str) and ref.startswith("refs/heads/") else "",
        sha=after if isinstance(after, str) else "",
    )


def is_wanted(repository: str, wanted: Collection[str]) -> bool:
    """True when no repositories are named, or ``repository`` is one of them
    (``OWNER/REPO``, compared as GitHub does: without regard to case)."""
    if not wanted:
        return True
    return repository.lower() in {name.lower() for name in wanted}


def redelivery_result(
    attempt: Attempt,
    subject: About,
    *,
    tries: int,
    dry_run: bool,
    refusal: str = "",
) -> Result:
    """The Result of one GUID: ``redelivered`` (asked, or in a dry run planned), or
    ``failed`` when GitHub refused to redeliver it (``refusal`` says why)."""
    what = f"{attempt.event}.{attempt.action}" if attempt.action else attempt.event
    answered = f"answered {attempt.status_code}" if attempt.status_code else "not answered"
    seen = f"{what} delivery {attempt.guid} ({answered}, attempt {tries})"
    target = f"delivery {attempt.id}"
    if refusal:
        status, outcome = Status.FAILED, "failed"
        reason = f"{seen}: GitHub did not redeliver it: {refusal}"
    elif dry_run:
        status, outcome = Status.REDELIVERED, "planned"
        reason = f"{seen}: would ask GitHub to redeliver it"
    else:
        status, outcome = Status.REDELIVERED, "done"
        reason = f"{seen}: asked GitHub to redeliver it"
    return Result(
        status=status,
        reason=reason,
        event=attempt.event,
        delivery_id=attempt.guid,
        repository=subject.repository,
        source=subject.source,
        sha=subject.sha,
        writes=(Write(REDELIVER_ACTION, target, outcome, refusal),),
        dry_run=dry_run,
    )


def _epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_int(value: Any) -> int | None:
    return value if _is_int(value) else None
