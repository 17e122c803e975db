"""Repositories, refs, branches, commits and compare, driven through PyGithub."""

from __future__ import annotations

import pytest
from github import GithubException

from gh_promotion.simulator import Simulator
from tests.simulator.conftest import api


def _refusal(call) -> GithubException:
    with pytest.raises(GithubException) as caught:
        call()
    return caught.value


def test_repository_shows_its_custom_properties(gh, repo):
    remote = gh.get_repo(repo.full_name)
    assert remote.full_name == repo.full_name
    assert remote.default_branch == "main"
    assert remote.custom_properties == {"gitops-promotion-path": "main,staging"}
    assert remote.get_custom_properties() == {"gitops-promotion-path": "main,staging"}
    repo.set_custom_properties({"gitops-promotion-path": "main,canary"})
    assert gh.get_repo(repo.full_name).get_custom_properties() == {
        "gitops-promotion-path": "main,canary"
    }


def test_unknown_repository_is_404(gh):
    assert _refusal(lambda: gh.get_repo("octo/nope")).status == 404


def test_get_and_match_refs(gh, repo):
    sha = repo.push("feature/one", "one")
    repo.push("feature/two", "two")
    remote = gh.get_repo(repo.full_name)
    assert remote.get_git_ref("heads/feature/one").object.sha == sha
    names = [r.ref for r in remote.get_git_matching_refs("heads/feature/")]
    assert names == ["refs/heads/feature/one", "refs/heads/feature/two"]
    assert [r.ref for r in remote.get_git_matching_refs("heads/nothing")] == []
    assert _refusal(lambda: remote.get_git_ref("heads/missing")).status == 404


def test_create_ref_and_its_refusals(gh, repo):
    remote = gh.get_repo(repo.full_name)
    main = repo.branch_sha("main")
    created = remote.create_git_ref("refs/heads/canary", main)
    assert created.object.sha == main and repo.branch_sha("canary") == main
    again = _refusal(lambda: remote.create_git_ref("refs/heads/canary", main))
    assert (again.status, again.data["message"]) == (422, "Reference already exists")
    unknown = _refusal(lambda: remote.create_git_ref("refs/heads/x", "1" * 40))
    assert (unknown.status, unknown.data["message"]) == (422, "Object does not exist")


def test_update_ref_fast_forward_only_unless_forced(gh, repo):
    remote = gh.get_repo(repo.full_name)
    old = repo.branch_sha("staging")
    new = repo.push("main", "feat")
    ref = remote.get_git_ref("heads/staging")
    ref.edit(new)
    assert repo.branch_sha("staging") == new
    backwards = _refusal(lambda: ref.edit(old))
    assert (backwards.status, backwards.data["message"]) == (422, "Update is not a fast forward")
    unknown = _refusal(lambda: ref.edit("2" * 40))
    assert (unknown.status, unknown.data["message"]) == (422, "Object does not exist")
    ref.edit(old, force=True)
    assert repo.branch_sha("staging") == old


def test_update_or_delete_missing_ref_is_422(sim, token, repo):
    sha = repo.branch_sha("main")
    path = f"/repos/{repo.full_name}/git/refs/heads/ghost"
    patched = api(sim, token, "PATCH", path, json={"sha": sha})
    deleted = api(sim, token, "DELETE", path)
    assert (patched.status_code, patched.json()["message"]) == (422, "Reference does not exist")
    assert (deleted.status_code, deleted.json()["message"]) == (422, "Reference does not exist")


def test_delete_ref(gh, repo):
    repo.push("temp", "temp")
    gh.get_repo(repo.full_name).get_git_ref("heads/temp").delete()
    assert repo.branch_sha("temp") is None


def test_get_branch(gh, repo):
    branch = gh.get_repo(repo.full_name).get_branch("staging")
    assert branch.commit.sha == repo.branch_sha("staging")
    assert branch.protected is False
    missing = _refusal(lambda: gh.get_repo(repo.full_name).get_branch("nope"))
    assert (missing.status, missing.data["message"]) == (404, "Branch not found")


def test_commits_are_paginated_with_link_headers(sim, gh, token, repo):
    head = repo.push_history("main", 7)
    remote = gh.get_repo(repo.full_name)
    commits = remote.get_commits(sha="main")
    assert commits.totalCount == 10
    listed = [c.sha for c in commits]
    assert listed[0] == head and len(listed) == 10 and len(set(listed)) == 10
    page = api(sim, token, "GET", f"/repos/{repo.full_name}/commits?sha=main&per_page=3&page=2")
    assert [c["sha"] for c in page.json()] == listed[3:6]
    links = page.headers["Link"]
    assert 'page=4>; rel="last"' in links and 'page=3>; rel="next"' in links
    assert 'rel="prev"' in links and 'rel="first"' in links


def test_get_commit_by_sha_prefix_and_branch(gh, repo):
    sha = repo.push("main", "hello", {"hello.txt": "hi"})
    remote = gh.get_repo(repo.full_name)
    commit = remote.get_commit(sha[:10])
    assert commit.sha == sha and commit.commit.message == "hello"
    assert commit.parents[0].sha == repo.branch_sha("staging")
    assert remote.get_commit("main").sha == sha
    unknown = _refusal(lambda: remote.get_commit("3" * 40))
    assert unknown.status == 422 and "No commit found for SHA" in unknown.data["message"]


@pytest.mark.parametrize(
    ("moves", "status", "ahead", "behind"),
    [
        ((), "identical", 0, 0),
        (("main",), "ahead", 1, 0),
        (("staging",), "behind", 0, 1),
        (("main", "staging"), "diverged", 1, 1),
    ],
)
def test_compare_statuses(gh, repo, moves, status, ahead, behind):
    for branch in moves:
        repo.push(branch, f"on {branch}")
    comparison = gh.get_repo(repo.full_name).compare("staging", "main")
    assert (comparison.status, comparison.ahead_by, comparison.behind_by) == (status, ahead, behind)
    assert [c.sha for c in comparison.commits][-1:] == ([repo.branch_sha("main")] if ahead else [])


def test_compare_unknown_ref_is_404(gh, repo):
    missing = _refusal(lambda: gh.get_repo(repo.full_name).compare("main", "nope"))
    assert missing.status == 404


def test_five_thousand_commits_can_be_created_and_compared(sim: Simulator, gh):
    """How fast is a bench figure (section 1 uses such a history), not an assertion here."""
    big = sim.create_repository("octo/big", branches=("main", "staging"), history=1)
    head = big.push_history("main", 5000)
    comparison = gh.get_repo("octo/big").compare("staging", "main")
    assert (comparison.ahead_by, comparison.total_commits) == (5000, 5000)
    assert big.is_ancestor(big.branch_sha("staging"), head)
    assert not big.is_ancestor(head, big.branch_sha("staging"))
