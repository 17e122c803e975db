"""What a promotion waits for, from the target's requirements and its head (pure)."""

from __future__ import annotations

from gh_promotion.core import missing as gaps
from gh_promotion.core.ports import BranchRules, CheckRunInfo, ReviewInfo, StatusInfo


def kinds(items):
    return [(i.kind, i.detail) for i in items]


def test_required_checks_and_approvals_are_what_the_head_still_lacks():
    needs = gaps.Requirements(("ci", "lint", "e2e"), approvals=2)
    head = gaps.Head({"ci": "success", "lint": "failure"}, approvals=1, signal=True)
    items = gaps.missing(needs, head)
    assert kinds(items) == [
        ("required_check", 'check "lint" (failed)'),
        ("required_check", 'check "e2e"'),
        ("approvals", "1 approval"),
    ]
    assert gaps.waiting_for(items) == 'waiting for: check "lint" (failed), check "e2e", 1 approval'


def test_a_signal_is_missing_only_when_nothing_else_is():
    assert kinds(gaps.missing(gaps.Requirements(), gaps.Head({}))) == [
        ("signal", "an approval or a green check")
    ]
    assert gaps.missing(gaps.Requirements(), gaps.Head({}, signal=True)) == []
    assert kinds(gaps.missing(gaps.Requirements(("ci",)), gaps.Head({}))) == [
        ("required_check", 'check "ci"')
    ]


def test_a_draft_and_a_diverged_target_come_first():
    head = gaps.Head({}, draft=True, fast_forward=False)
    items = gaps.missing(gaps.Requirements(approvals=1), head, source="main", target="staging")
    assert kinds(items) == [
        ("not_fast_forward", "staging has commits main lacks"),
        ("draft", "ready for review"),
        ("approvals", "1 approval"),
    ]


def test_the_line_fits_a_commit_status_and_never_cuts_a_name():
    needs = gaps.Requirements(tuple(f"a-rather-long-check-name-{i}" for i in range(12)))
    text = gaps.waiting_for(gaps.missing(needs, gaps.Head({})))
    assert len(text) <= gaps.WAITING_LIMIT <= 140
    assert text.startswith('waiting for: check "a-rather-long-check-name-0"')
    assert text.endswith(" more") and '"a-rather-long-check-name-11"' not in text


def test_requirements_combine_protection_rulesets_and_the_admin_view():
    branch = {"protected": True, "protection": {"required_status_checks": {"contexts": ["ci"]}}}
    rules = (
        {
            "type": "required_status_checks",
            "parameters": {"required_status_checks": [{"context": "ci"}, {"context": "lint"}]},
        },
        {"type": "pull_request", "parameters": {"required_approving_review_count": 1}},
        {"type": "non_fast_forward", "parameters": {}},
    )
    protection = {
        "required_status_checks": {"contexts": [], "checks": [{"context": "e2e"}]},
        "required_pull_request_reviews": {"required_approving_review_count": 2},
    }
    assert gaps.requirements(BranchRules(branch, rules)) == gaps.Requirements(("ci", "lint"), 1)
    assert gaps.requirements(BranchRules(branch, rules, protection)) == gaps.Requirements(
        ("ci", "lint", "e2e"), 2
    )


def test_check_states_read_statuses_newest_first_and_passing_check_runs():
    statuses = [
        StatusInfo("ci", "success"),
        StatusInfo("ci", "failure"),
        StatusInfo("lint", "error"),
    ]
    runs = [
        CheckRunInfo("build", "completed", "neutral"),
        CheckRunInfo("e2e", "in_progress", None),
        CheckRunInfo("lint", "completed", "failure"),
    ]
    assert gaps.check_states(statuses, runs) == {
        "ci": "success",
        "lint": "failure",
        "build": "success",
        "e2e": "pending",
    }


def test_approvals_count_each_reviewers_latest_review_of_the_head():
    reviews = [
        ReviewInfo("ana", "APPROVED", "old"),
        ReviewInfo("bo", "APPROVED", "head"),
        ReviewInfo("cy", "APPROVED", "head"),
        ReviewInfo("cy", "CHANGES_REQUESTED", "head"),
        ReviewInfo("bo", "COMMENTED", "head"),
    ]
    assert gaps.approvals(reviews, "head") == 1


def test_githubs_refusal_names_what_is_missing_when_nothing_else_can_be_read():
    gh013 = (
        'Repository rule violations found: Required status check "ci" is expected. '
        "At least 2 approving reviews are required by reviewers with write access."
    )
    assert kinds(gaps.from_refusal(gh013)) == [
        ("required_check", 'check "ci"'),
        ("approvals", "2 approvals"),
    ]
    assert kinds(gaps.from_refusal("3 of 4 required status checks are expected.")) == [
        ("required_check", "3 required checks")
    ]
