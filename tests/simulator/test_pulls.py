"""Pull requests: creation refusals, filters, pagination, head following, merge detection."""

from __future__ import annotations

import pytest
from github import GithubException

from tests.simulator.conftest import api


def _refusal(call) -> GithubException:
    with pytest.raises(GithubException) as caught:
        call()
    return caught.value


def test_create_pull_request_shapes_head_and_base(gh, repo):
    sha = repo.push("main", "feat")
    pr = gh.get_repo(repo.full_name).create_pull(base="staging", head="main", title="Promote")
    assert (pr.state, pr.draft, pr.merged, pr.commits) == ("open", False, False, 1)
    assert (pr.head.ref, pr.head.sha, pr.head.label) == ("main", sha, f"{repo.owner}:main")
    assert (pr.base.ref, pr.base.sha) == ("staging", repo.branch_sha("staging"))
    assert pr.head.repo.full_name == repo.full_name
    assert [c.sha for c in pr.get_commits()] == [sha]


def test_no_commits_between(gh, repo):
    refused = _refusal(
        lambda: gh.get_repo(repo.full_name).create_pull(base="staging", head="main", title="t")
    )
    assert refused.status == 422 and refused.data["message"] == "Validation Failed"
    assert refused.data["errors"][0]["message"] == "No commits between staging and main"


def test_pull_request_already_exists(gh, repo):
    repo.push("main", "feat")
    remote = gh.get_repo(repo.full_name)
    remote.create_pull(base="staging", head="main", title="first")
    refused = _refusal(lambda: remote.create_pull(base="staging", head="main", title="again"))
    assert refused.status == 422
    assert (
        refused.data["errors"][0]["message"]
        == f"A pull request already exists for {repo.owner}:main."
    )


@pytest.mark.parametrize(
    ("base", "head", "field"), [("nope", "main", "base"), ("staging", "nope", "head")]
)
def test_missing_branch_is_422(gh, repo, base, head, field):
    repo.push("main", "feat")
    refused = _refusal(
        lambda: gh.get_repo(repo.full_name).create_pull(base=base, head=head, title="t")
    )
    assert refused.status == 422
    assert refused.data["errors"] == [
        {"resource": "PullRequest", "field": field, "code": "invalid"}
    ]


def test_head_filter_needs_owner_form(gh, repo):
    repo.push("main", "feat")
    repo.push("hotfix", "fix")
    remote = gh.get_repo(repo.full_name)
    remote.create_pull(base="staging", head="main", title="a")
    remote.create_pull(base="staging", head="hotfix", title="b")
    by_label = [p.head.ref for p in remote.get_pulls(state="open", head=f"{repo.owner}:hotfix")]
    bare = [p.head.ref for p in remote.get_pulls(state="open", head="hotfix")]
    assert by_label == ["hotfix"]
    assert sorted(bare) == ["hotfix", "main"]
    assert [p.head.ref for p in remote.get_pulls(base="staging", head=f"{repo.owner}:main")] == [
        "main"
    ]


def test_pull_list_paginates(sim, token, gh, repo):
    remote = gh.get_repo(repo.full_name)
    for index in range(5):
        repo.push(f"topic-{index}", f"topic {index}")
        remote.create_pull(base="main", head=f"topic-{index}", title=f"t{index}")
    page = api(sim, token, "GET", f"/repos/{repo.full_name}/pulls?per_page=2&page=1")
    assert [p["number"] for p in page.json()] == [5, 4]
    assert 'page=3>; rel="last"' in page.headers["Link"]
    assert "merged" not in page.json()[0]  # list items are the simple form, like GitHub's
    assert remote.get_pulls(state="open").totalCount == 5


def test_update_pull_request_and_close(gh, repo):
    repo.push("main", "feat")
    pr = gh.get_repo(repo.full_name).create_pull(base="staging", head="main", title="old")
    pr.edit(title="new", body="text")
    again = gh.get_repo(repo.full_name).get_pull(pr.number)
    assert (again.title, again.body) == ("new", "text")
    again.edit(state="closed")
    closed = gh.get_repo(repo.full_name).get_pull(pr.number)
    assert (closed.state, closed.merged) == ("closed", False)


def test_head_sha_follows_its_branch(gh, repo):
    repo.push("main", "one")
    pr = gh.get_repo(repo.full_name).create_pull(base="staging", head="main", title="t")
    newer = repo.push("main", "two")
    assert gh.get_repo(repo.full_name).get_pull(pr.number).head.sha == newer
    assert repo.pull_requests()[0]["head"]["sha"] == newer


def test_pull_request_merges_when_base_contains_head(gh, repo):
    sha = repo.push("main", "feat")
    remote = gh.get_repo(repo.full_name)
    pr = remote.create_pull(base="staging", head="main", title="t")
    remote.get_git_ref("heads/staging").edit(sha)
    merged = remote.get_pull(pr.number)
    assert (merged.state, merged.merged, merged.merge_commit_sha) == ("closed", True, sha)
    assert merged.merged_by.login == "octocat"
    assert remote.get_pulls(state="open").totalCount == 0
    assert [p.number for p in remote.get_pulls(state="closed")] == [pr.number]


def test_draft_and_ready_for_review(gh, repo):
    repo.push("main", "feat")
    pr = gh.get_repo(repo.full_name).create_pull(base="staging", head="main", title="t", draft=True)
    assert pr.draft is True
    repo.mark_ready_for_review(pr.number)
    assert gh.get_repo(repo.full_name).get_pull(pr.number).draft is False


def test_reviews_and_self_approval_refusal(gh, repo):
    sha = repo.push("main", "feat")
    pr = gh.get_repo(repo.full_name).create_pull(base="staging", head="main", title="t")
    refused = _refusal(lambda: pr.create_review(event="APPROVE"))
    assert (
        refused.status == 422 and "Can not approve your own pull request" in refused.data["errors"]
    )
    repo.approve(pr.number, login="reviewer")
    reviews = list(pr.get_reviews())
    assert [(r.user.login, r.state, r.commit_id) for r in reviews] == [
        ("reviewer", "APPROVED", sha)
    ]


def test_unknown_pull_request_is_404(gh, repo):
    assert _refusal(lambda: gh.get_repo(repo.full_name).get_pull(999)).status == 404


def test_deleting_the_head_branch_closes_without_merging(gh, repo):
    repo.push("topic", "topic")
    remote = gh.get_repo(repo.full_name)
    pr = remote.create_pull(base="main", head="topic", title="t")
    remote.get_git_ref("heads/topic").delete()
    closed = remote.get_pull(pr.number)
    assert (closed.state, closed.merged) == ("closed", False)


def test_closed_pull_request_can_be_reopened_but_not_a_merged_one(gh, repo):
    sha = repo.push("main", "feat")
    remote = gh.get_repo(repo.full_name)
    pr = remote.create_pull(base="staging", head="main", title="t")
    pr.edit(state="closed")
    pr.edit(state="open")
    assert remote.get_pull(pr.number).state == "open"
    remote.get_git_ref("heads/staging").edit(sha)
    with pytest.raises(GithubException) as caught:
        remote.get_pull(pr.number).edit(state="open")
    assert caught.value.status == 422
