"""Rulesets: listed on their branch for any reader, enforced on ref updates with GH013's words."""

from __future__ import annotations

import pytest
from github import Auth, GithubException

from tests.simulator.conftest import api, client

CI = {
    "type": "required_status_checks",
    "parameters": {"required_status_checks": [{"context": "ci"}]},
}
ONE_APPROVAL = {"type": "pull_request", "parameters": {"required_approving_review_count": 1}}
STAGING = ("refs/heads/staging",)


@pytest.fixture(scope="module")
def app(sim):
    return sim.create_app(slug="promoter")


@pytest.fixture(scope="module")
def app_gh(sim, app):
    installation = sim.install_app(app, "octo")
    return client(
        sim, Auth.AppAuth(app.app_id, app.private_key_pem).get_installation_auth(installation)
    )


def _refused(gh, repo, sha: str) -> GithubException:
    with pytest.raises(GithubException) as caught:
        gh.get_repo(repo.full_name).get_git_ref("heads/staging").edit(sha)
    return caught.value


def test_rules_of_a_branch_are_listed_in_githubs_shape_for_an_app(sim, app_gh, repo):
    ruleset_id = repo.add_ruleset([CI, ONE_APPROVAL], STAGING)
    repo.add_ruleset([CI], STAGING, name="off", enforcement="evaluate")
    token = sim.create_installation_token(sim.tokens.installation_for("octo").id)
    rules = api(sim, token, "GET", f"/repos/{repo.full_name}/rules/branches/staging").json()
    assert rules == [
        {
            "type": "required_status_checks",
            "ruleset_source_type": "Repository",
            "ruleset_source": repo.full_name,
            "ruleset_id": ruleset_id,
            "parameters": {"required_status_checks": [{"context": "ci"}]},
        },
        {
            "type": "pull_request",
            "ruleset_source_type": "Repository",
            "ruleset_source": repo.full_name,
            "ruleset_id": ruleset_id,
            "parameters": {"required_approving_review_count": 1},
        },
    ]
    assert api(sim, token, "GET", f"/repos/{repo.full_name}/rules/branches/main").json() == []


def test_a_required_check_refuses_the_update_with_gh013_until_it_succeeds(gh, repo):
    repo.add_ruleset([CI], STAGING)
    sha = repo.push("main", "feat")
    refused = _refused(gh, repo, sha)
    assert refused.status == 422
    assert refused.data["message"] == (
        'Repository rule violations found\n\nRequired status check "ci" is expected.\n\n'
    )
    repo.set_status(sha, "success", "ci")
    gh.get_repo(repo.full_name).get_git_ref("heads/staging").edit(sha)
    assert repo.branch_sha("staging") == sha


def test_a_pull_request_rule_accepts_only_the_head_of_an_approved_request(gh, repo):
    repo.add_ruleset([ONE_APPROVAL], STAGING)
    sha = repo.push("main", "feat")
    assert _refused(gh, repo, sha).data["message"] == (
        "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"
    )
    remote = gh.get_repo(repo.full_name)
    pull = remote.create_pull(base="staging", head="main", title="promote")
    assert _refused(gh, repo, sha).data["message"] == (
        "Repository rule violations found\n\n"
        "At least 1 approving review is required by reviewers with write access.\n\n"
    )
    repo.approve(pull.number, login="reviewer")
    remote.get_git_ref("heads/staging").edit(sha)
    assert repo.branch_sha("staging") == sha
    assert remote.get_pull(pull.number).merged is True


def test_every_violated_rule_is_named(gh, repo):
    repo.add_ruleset([CI, ONE_APPROVAL], ["refs/heads/stag*"])
    sha = repo.push("main", "feat")
    lines = _refused(gh, repo, sha).data["message"].split("\n\n")
    assert lines[:3] == [
        "Repository rule violations found",
        'Required status check "ci" is expected.',
        "Changes must be made through a pull request.",
    ]


def test_an_app_that_is_a_bypass_actor_is_not_held(app, app_gh, gh, repo):
    repo.add_ruleset([CI], STAGING, bypass_apps=[app])
    sha = repo.push("main", "feat")
    assert _refused(gh, repo, sha).status == 422  # a person is held
    app_gh.get_repo(repo.full_name).get_git_ref("heads/staging").edit(sha)
    assert repo.branch_sha("staging") == sha


def test_non_fast_forward_and_deletion_rules(gh, repo):
    repo.add_ruleset([{"type": "non_fast_forward"}, {"type": "deletion"}], STAGING)
    ahead = repo.push("staging", "ahead")
    older = gh.get_repo(repo.full_name).get_branch("main").commit.sha
    ref = gh.get_repo(repo.full_name).get_git_ref("heads/staging")
    with pytest.raises(GithubException) as forced:
        ref.edit(older, force=True)
    assert "Cannot force-push to this branch" in forced.value.data["message"]
    with pytest.raises(GithubException) as deleted:
        ref.delete()
    assert "Cannot delete this branch" in deleted.value.data["message"]
    assert repo.branch_sha("staging") == ahead


def test_rulesets_are_managed_by_admins_and_read_by_anyone(sim, app_gh, repo):
    writer = sim.create_personal_token("dev", admin=False)
    admin = sim.create_personal_token("owner")
    rules = {"name": "ci", "enforcement": "active", "rules": [CI]}
    path = f"/repos/{repo.full_name}/rulesets"
    assert api(sim, writer, "POST", path, json=rules).status_code == 404
    created = api(sim, admin, "POST", path, json=rules)
    assert created.status_code == 201
    listed = api(sim, writer, "GET", path).json()
    assert [(r["id"], r["name"], r["enforcement"]) for r in listed] == [
        (created.json()["id"], "ci", "active")
    ]
    one = api(sim, writer, "GET", f"{path}/{created.json()['id']}").json()
    assert one["rules"] == [CI]
    bad = api(sim, admin, "POST", path, json={"name": "x", "enforcement": "sometimes"})
    assert bad.status_code == 422


def test_branch_protection_is_read_by_admins_only_and_its_checks_by_anyone(sim, app_gh, repo):
    repo.protect("staging", required_contexts=("ci",), required_approving_reviews=2)
    path = f"/repos/{repo.full_name}/branches/staging"
    installation = sim.create_installation_token(sim.tokens.installation_for("octo").id)
    writer = sim.create_personal_token("dev", admin=False)
    admin = sim.create_personal_token("owner")
    for who in (installation, writer):
        branch = api(sim, who, "GET", path).json()
        assert branch["protection"]["required_status_checks"]["contexts"] == ["ci"]
    assert api(sim, installation, "GET", f"{path}/protection").status_code == 403
    assert api(sim, writer, "GET", f"{path}/protection").status_code == 404
    protection = api(sim, admin, "GET", f"{path}/protection").json()
    assert protection["required_status_checks"]["contexts"] == ["ci"]
    assert protection["required_pull_request_reviews"]["required_approving_review_count"] == 2
    unprotected = api(sim, admin, "GET", f"/repos/{repo.full_name}/branches/main/protection")
    assert (unprotected.status_code, unprotected.json()["message"]) == (404, "Branch not protected")
