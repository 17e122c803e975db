"""core.assess, the pure part ``explain`` builds on: states, their order, and the timing rule."""

from __future__ import annotations

from gh_promotion.core.assess import Own, StepFacts, assess, needs_merges, needs_signals
from gh_promotion.core.path import PromotionPath
from gh_promotion.core.ports import Comparison, Merge, PullRequestInfo, Signal

PATH = PromotionPath(("main", "staging", "canary"))
OWN = Own.of(PATH, "{source}→{target}", "{source}→{target}", app_id=7)
A, B, C = "a" * 40, "b" * 40, "c" * 40


def pull(source="main", target="staging", head=B, draft=False, number=3):
    return PullRequestInfo(number, source, target, head, A, draft, True)


def facts(source="main", target="staging", branches=None, pulls=(), **more):
    branches = {"main": B, "staging": A, "canary": A} if branches is None else branches
    return StepFacts(PATH, source, target, branches, tuple(pulls), own=OWN, **more)


def ci(at, sha=B, name="ci", kind="status", state="success", **more):
    return Signal(kind, name, state, sha, at, **more)


def promoted(step, at, sha=B):
    return Signal("check", step, "success", sha, at, 7, "✅ main → staging: promoted")


def test_states_from_branches_and_requests():
    assert assess(facts(branches={"staging": A})).state == "source_missing"
    assert assess(facts(branches={"main": B})).state == "target_missing"
    assert assess(facts(branches={"main": B, "staging": B}, pulls=[pull()])).state == "level"
    assert assess(facts()).state == "no_request"
    ahead = assess(facts(comparison=Comparison("ahead", 2, 0)))
    assert (ahead.state, ahead.ahead_by) == ("no_request", 2)
    assert assess(facts(comparison=Comparison("diverged", 1, 1))).state == "diverged"
    assert assess(facts(comparison=Comparison("behind", 0, 3))).state == "diverged"
    assert assess(facts(pulls=[pull()])).state == "waiting"
    ready = assess(facts(pulls=[pull()], signals=(ci(100.0),)))
    assert (ready.state, ready.counting) == ("ready", (ci(100.0),))


def test_a_draft_or_a_stale_head_waits_and_needs_no_signals():
    for request in (pull(draft=True), pull(head=C)):
        step_facts = facts(pulls=[request], signals=(ci(100.0),))
        assert assess(step_facts).state == "waiting"
        assert not needs_signals(step_facts)


def test_own_feedback_is_never_a_signal():
    mine = Signal("check", "main→staging", "success", B, 100.0, 7, "⏳ main → staging: pending")
    status = Signal("status", "main→staging", "success", B, 100.0)
    step = assess(facts(pulls=[pull()], signals=(mine, status)))
    assert (step.state, step.signals) == ("waiting", ())


def test_later_stage_counts_only_signals_after_the_promotion_that_brought_the_head():
    later = facts("staging", "canary", {"main": B, "staging": B, "canary": A})
    request = pull("staging", "canary")
    before, after = ci(99.0), ci(101.0, name="deploy")
    step = assess(
        later._replace(pulls=(request,), signals=(promoted("main→staging", 100.0), before, after))
    )
    assert (step.state, step.arrived_at, step.counting) == ("ready", 100.0, (after,))
    same_second = ci(100.0)
    step = assess(
        later._replace(pulls=(request,), signals=(promoted("main→staging", 100.0), same_second))
    )
    assert step.state == "waiting"


def test_without_own_feedback_the_merge_tells_and_else_only_reviews_count():
    later = facts(
        "staging", "canary", {"main": B, "staging": B, "canary": A}, [pull("staging", "canary")]
    )
    unknown = later._replace(signals=(ci(101.0),))
    assert assess(unknown).state == "waiting" and needs_merges(unknown)
    merged = unknown._replace(merges=(Merge(1, "main", "staging", B, 100.0),))
    assert assess(merged).state == "ready"
    review = ci(50.0, kind="review", name="octocat")
    assert assess(later._replace(signals=(review,))).state == "ready"
    other_commit = ci(150.0, kind="review", name="octocat", sha=C)
    assert assess(later._replace(signals=(other_commit,))).state == "waiting"


def test_a_signal_already_acted_on_is_not_acted_on_again():
    blocked = Signal("check", "main→staging", "success", B, 100.0, 7, "🚧 main → staging: blocked")
    old, new = ci(99.0), ci(101.0, name="deploy")
    step = assess(facts(pulls=[pull()], signals=(blocked, old)))
    assert step.state == "waiting" and step.verdict.status.value == "blocked"
    assert assess(facts(pulls=[pull()], signals=(blocked, old, new))).counting == (new,)


def test_another_apps_check_run_with_gh_promotions_name_is_a_signal():
    impostor = Signal("check", "main→staging", "success", B, 100.0, 99, "")
    assert assess(facts(pulls=[pull()], signals=(impostor,))).state == "ready"
