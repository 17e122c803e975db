"""Branch protection refuses ref updates the way GitHub does, until its rules are met."""

from __future__ import annotations

import pytest
from github import Auth, GithubException

from tests.simulator.conftest import client


@pytest.fixture(scope="module")
def app_client(sim):
    app = sim.create_app(slug="ci-app")
    installation = sim.install_app(app, "octo")
    return client(
        sim, Auth.AppAuth(app.app_id, app.private_key_pem).get_installation_auth(installation)
    )


def _edit_refused(ref, sha: str) -> GithubException:
    with pytest.raises(GithubException) as caught:
        ref.edit(sha)
    return caught.value


def test_required_status_check_blocks_until_success(gh, repo):
    repo.protect("staging", required_contexts=("ci",))
    sha = repo.push("main", "feat")
    ref = gh.get_repo(repo.full_name).get_git_ref("heads/staging")
    refused = _edit_refused(ref, sha)
    assert (refused.status, refused.data["message"]) == (
        422,
        'Required status check "ci" is expected.',
    )
    repo.set_status(sha, "pending", "ci")
    assert _edit_refused(ref, sha).status == 422
    repo.set_status(sha, "success", "ci")
    ref.edit(sha)
    assert repo.branch_sha("staging") == sha


def test_several_missing_checks_are_counted(gh, repo):
    repo.protect("staging", required_contexts=("ci", "lint"))
    sha = repo.push("main", "feat")
    ref = gh.get_repo(repo.full_name).get_git_ref("heads/staging")
    assert _edit_refused(ref, sha).data["message"] == "2 of 2 required status checks are expected."


def test_a_successful_check_run_meets_a_required_context(gh, app_client, repo):
    repo.protect("staging", required_contexts=("build",))
    sha = repo.push("main", "feat")
    app_client.get_repo(repo.full_name).create_check_run(
        name="build", head_sha=sha, status="completed", conclusion="success"
    )
    gh.get_repo(repo.full_name).get_git_ref("heads/staging").edit(sha)
    assert repo.branch_sha("staging") == sha


def test_required_approval_blocks_until_the_head_is_approved(gh, repo):
    repo.protect("staging", required_approving_reviews=1)
    old = repo.push("main", "one")
    remote = gh.get_repo(repo.full_name)
    pr = remote.create_pull(base="staging", head="main", title="t")
    repo.approve(pr.number, login="reviewer")
    sha = repo.push("main", "two")  # the approval was for the previous head
    ref = remote.get_git_ref("heads/staging")
    refused = _edit_refused(ref, sha)
    assert refused.data["message"] == (
        "At least 1 approving review is required by reviewers with write access."
    )
    assert old != sha
    repo.approve(pr.number, login="reviewer")
    ref.edit(sha)
    assert remote.get_pull(pr.number).merged is True


def test_protected_branch_refuses_force_push(gh, repo):
    repo.protect("staging")
    older = repo.branch_sha("staging")
    newer = repo.push("staging", "ahead")
    ref = gh.get_repo(repo.full_name).get_git_ref("heads/staging")
    with pytest.raises(GithubException) as caught:
        ref.edit(older, force=True)
    assert caught.value.data["message"] == "Cannot force-push to this branch"
    repo.protect("staging", allow_force_pushes=True)
    ref.edit(older, force=True)
    assert repo.branch_sha("staging") == older != newer
