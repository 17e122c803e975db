"""`Simulator`: start a strict local GitHub on a free loopback port and drive it from Python.

Tests build the world they need (repositories, branches, statuses, approvals) through this
API, point PyGithub at `sim.api_url`, and read back what happened: `sim.requests` (every
API call) and `sim.deliveries` (every webhook sent).
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from gh_promotion.simulator import checks, ci_events, issues, pulls, rulesets, statuses, views
from gh_promotion.simulator.api import Services, create_app
from gh_promotion.simulator.auth import TokenBook
from gh_promotion.simulator.clock import CLOCK, SimClock
from gh_promotion.simulator.hook_log import HookDelivery
from gh_promotion.simulator.model import Actor, Protection, Repository, SimApp
from gh_promotion.simulator.traffic import Fault, LoggedRequest, Traffic
from gh_promotion.simulator.webhooks import SentDelivery, WebhookSender
from gh_promotion.simulator.world import World


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug logs every request to stderr; the simulator keeps its own log instead."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class Simulator:
    """A GitHub on 127.0.0.1 backed by real git repositories; `with Simulator() as sim:`."""

    def __init__(
        self, installation_token_ttl: float = 3600.0, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._host, self._port = host, port
        self.tokens = TokenBook(installation_token_ttl)
        self.traffic = Traffic()
        self.webhooks = WebhookSender()
        self.world = World(self.tokens, lambda: self.api_url)
        self.world.emit = self.webhooks.enqueue
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._url = ""

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Simulator:
        if self._server is None:
            app = create_app(Services(self.world, self.tokens, self.traffic, self.webhooks, self))
            self._server = make_server(
                self._host, self._port, app, threaded=True, request_handler=_QuietHandler
            )
            self._url = f"http://{self._host}:{self._server.server_port}"
            self._thread = threading.Thread(
                target=functools.partial(self._server.serve_forever, poll_interval=0.05),
                name="gh-sim-http",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.webhooks.stop()
        CLOCK.reset()
        shutil.rmtree(self.world.root, ignore_errors=True)

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        """The base URL to give PyGithub (`Github(base_url=sim.api_url)`)."""
        if not self._url:
            raise RuntimeError(
                "the simulator is not started: use `with Simulator() as sim` or .start()"
            )
        return self._url

    # ----------------------------------------------------------------- time

    @property
    def clock(self) -> SimClock:
        """GitHub's clock: every timestamp the simulator writes; hand ``clock.now`` to the
        code under test so both agree (docs/simulator.md#time)."""
        return CLOCK

    def advance_clock(self, seconds: float) -> float:
        """Move GitHub's time forward without sleeping; returns the total offset."""
        return CLOCK.advance(seconds)

    # ----------------------------------------------------------------- credentials

    def create_personal_token(self, login: str = "octocat", admin: bool = True) -> str:
        """A `ghp_…` token of `login`, an admin of every repository unless `admin=False`
        (then it may write but not read branch protection nor manage rulesets)."""
        return self.tokens.personal(login, admin)

    def create_app(self, slug: str = "gh-promotion", webhook_secret: str = "") -> SimApp:
        return self.tokens.add_app(slug, webhook_secret)

    def install_app(self, app: SimApp, owner: str) -> int:
        """Install `app` on every repository of `owner`; returns the installation id."""
        return self.tokens.install(app, owner).id

    def create_installation_token(self, installation_id: int) -> str:
        """An installation token without the JWT dance (for tests that are not about auth)."""
        return self.tokens.issue_installation_token(self.tokens.installations[installation_id])[0]

    def expire_installation_tokens(self) -> None:
        self.tokens.expire_installation_tokens()

    def revoke_installation_tokens(self, app: SimApp | None = None) -> int:
        """Revoke the installation tokens issued so far (of `app`, or all): GitHub answers
        401 `Bad credentials` to them, as after a key rotation or a reinstall."""
        return self.tokens.revoke_installation_tokens(app)

    def rotate_app_key(self, app: SimApp) -> SimApp:
        """A new private key for `app` (returned); JWTs signed with the old one get 401."""
        return self.tokens.rotate_key(app)

    def suspend_installation(self, installation_id: int, suspended: bool = True) -> None:
        """Suspend (or unsuspend) an installation, as its owner can: the token exchange
        and its tokens are answered 403 `This installation has been suspended`."""
        self.tokens.set_suspended(self.tokens.installations[installation_id], suspended)

    # ----------------------------------------------------------------- repositories

    def create_repository(
        self,
        full_name: str,
        custom_properties: dict[str, Any] | None = None,
        branches: tuple[str, ...] | list[str] = ("main",),
        history: int = 3,
        default_branch: str = "main",
    ) -> SimRepository:
        """A repository whose `branches` all point at the tip of `history` commits (no webhooks)."""
        repo = self.world.create_repository(full_name, custom_properties, default_branch)
        if history > 0:
            owner = Actor(repo.owner)
            with self.world.lock:
                emit, self.world.emit = self.world.emit, lambda event, payload: None
                try:
                    head = self.world.push_history(repo, default_branch, history, owner)
                    for branch in branches:
                        self.world.move_branch(repo, branch, head, owner)
                finally:
                    self.world.emit = emit
        return SimRepository(self, repo)

    def repository(self, full_name: str) -> SimRepository:
        """An existing repository (LookupError when there is none)."""
        found = self.world.repos.get(full_name.lower())
        if found is None:
            raise LookupError(f"no repository {full_name!r} in the simulator")
        return SimRepository(self, found)

    def complete_check_suite(
        self, repo: SimRepository | str, sha: str, conclusion: str = "success"
    ) -> dict:
        """`repo.complete_check_suite(...)` for a repository given by object or full name."""
        target = self.repository(repo) if isinstance(repo, str) else repo
        return target.complete_check_suite(sha, conclusion)

    # ----------------------------------------------------------------- webhooks

    def set_webhook(self, url: str | None, secret: str = "") -> None:
        """Send every later event to `url`, signed with `secret` (None: stop sending)."""
        self.webhooks.configure(url, secret)

    def wait_for_webhooks(self, timeout: float = 10.0) -> None:
        """Block until every event so far has been delivered (raise on timeout)."""
        if not self.webhooks.wait(timeout):
            raise TimeoutError(f"webhook deliveries still pending after {timeout} s")

    @property
    def deliveries(self) -> list[SentDelivery]:
        return self.webhooks.deliveries

    def clear_deliveries(self) -> None:
        """Forget the deliveries sent so far, and the App's delivery log with them."""
        self.webhooks.clear()

    @property
    def hook_deliveries(self) -> list[HookDelivery]:
        """Every attempt sent to the webhook URL, newest first, as `GET /app/hook/deliveries`
        lists them (a redelivery is a new attempt with the same `guid`)."""
        return self.webhooks.hook_log.newest_first()

    def age_hook_deliveries(self, seconds: float) -> None:
        """Make every delivery attempt so far `seconds` older (tests of look-back windows)."""
        self.webhooks.hook_log.age(seconds)

    # ----------------------------------------------------------------- traffic

    @property
    def requests(self) -> list[LoggedRequest]:
        return self.traffic.requests

    def clear_requests(self) -> None:
        self.traffic.clear()

    def inject_fault(
        self,
        method: str | None = None,
        path: str = ".*",
        status: int = 500,
        count: int = 1,
        retry_after: int | None = None,
        delay: float = 0.0,
        body: dict | None = None,
        rate_limit: str | None = None,
        reset_in: int = 60,
    ) -> None:
        """Answer the next `count` requests matching (`method`, `path` regex) with `status`.

        `retry_after` adds GitHub's rate-limit headers; `delay` sleeps first; a `status`
        of 0 only delays and then serves the request normally. `rate_limit="primary"` or
        `"secondary"` answers as GitHub does when that limit is hit (use status 403 or
        429): its message, `x-ratelimit-*` headers resetting in `reset_in` seconds, and
        `Retry-After` only when `retry_after` is given.
        """
        if rate_limit not in (None, "primary", "secondary"):
            raise ValueError(f"rate_limit must be 'primary' or 'secondary', not {rate_limit!r}")
        self.traffic.add_fault(
            Fault(
                re.compile(path),
                method,
                status,
                count,
                retry_after,
                delay,
                body,
                rate_limit,
                int(reset_in),
            )
        )

    def clear_faults(self) -> None:
        self.traffic.clear_faults()

    def set_rate_limit_remaining(self, remaining: int) -> None:
        """What `X-RateLimit-Remaining` says on every later answer (of 5000)."""
        self.traffic.rate_limit_remaining = int(remaining)

    def set_latency(self, seconds: float) -> None:
        self.traffic.latency = max(0.0, float(seconds))


class SimRepository:
    """One simulated repository, driven the way a developer and CI would drive it."""

    def __init__(self, sim: Simulator, repo: Repository) -> None:
        self._sim = sim
        self._world = sim.world
        self.state = repo

    @property
    def full_name(self) -> str:
        return self.state.full_name

    @property
    def owner(self) -> str:
        return self.state.owner

    @property
    def name(self) -> str:
        return self.state.name

    @property
    def default_branch(self) -> str:
        return self.state.default_branch

    @property
    def git_dir(self) -> str:
        """The bare repository on disk (`git clone` it to look at the history)."""
        return str(self.state.git.path)

    def _actor(self, login: str | None) -> Actor:
        return Actor(login or self.owner)

    # ----------------------------------------------------------------- branches

    def push(
        self,
        branch: str,
        message: str = "change",
        files: dict[str, str] | None = None,
        login: str | None = None,
    ) -> str:
        """A new commit on `branch` (created from the default branch if missing); emits push."""
        return self._world.push(self.state, branch, message, files, self._actor(login))

    def push_history(self, branch: str, count: int, login: str | None = None) -> str:
        return self._world.push_history(self.state, branch, count, self._actor(login))

    def create_branch(self, branch: str, sha: str, login: str | None = None) -> None:
        if branch in self.state.branches:
            raise ValueError(f"branch {branch!r} already exists in {self.full_name}")
        self.set_branch(branch, sha, login)

    def set_branch(self, branch: str, sha: str, login: str | None = None) -> None:
        """Point `branch` at `sha` whatever it was (a force push by a person); emits push."""
        full = self.state.git.resolve(sha)
        if full is None:
            raise ValueError(f"no commit {sha!r} in {self.full_name}")
        self._world.move_branch(self.state, branch, full, self._actor(login))

    def delete_branch(self, branch: str, login: str | None = None) -> None:
        self._world.move_branch(self.state, branch, None, self._actor(login))

    def branch_sha(self, branch: str) -> str | None:
        with self._world.lock:
            return self.state.branches.get(branch)

    @property
    def branches(self) -> dict[str, str]:
        with self._world.lock:
            return dict(self.state.branches)

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        with self._world.lock:
            return self.state.git.is_ancestor(ancestor, descendant)

    def protect(
        self,
        branch: str,
        required_contexts: tuple[str, ...] | list[str] = (),
        required_approving_reviews: int = 0,
        allow_force_pushes: bool = False,
    ) -> None:
        rule = Protection(tuple(required_contexts), required_approving_reviews, allow_force_pushes)
        self._world.protect(self.state, branch, rule)

    def unprotect(self, branch: str) -> None:
        self._world.protect(self.state, branch, None)

    def add_ruleset(
        self,
        rules: list[dict[str, Any]],
        include: tuple[str, ...] | list[str] = ("~DEFAULT_BRANCH",),
        *,
        name: str = "promotion",
        enforcement: str = "active",
        exclude: tuple[str, ...] | list[str] = (),
        bypass_apps: tuple[SimApp, ...] | list[SimApp] = (),
    ) -> int:
        """A branch ruleset, as `POST /rulesets` makes it; its id. `rules` are GitHub's rule
        objects (`{"type": "required_status_checks", "parameters": {...}}`), `include` its
        `conditions.ref_name.include` (`refs/heads/staging`, `~DEFAULT_BRANCH`, `~ALL`), and
        each App of `bypass_apps` an `Integration` bypass actor."""
        data = {
            "name": name,
            "enforcement": enforcement,
            "conditions": {"ref_name": {"include": list(include), "exclude": list(exclude)}},
            "rules": rules,
            "bypass_actors": [
                {"actor_id": app.app_id, "actor_type": "Integration", "bypass_mode": "always"}
                for app in bypass_apps
            ],
        }
        with self._world.lock:
            return rulesets.create(self.state, data).id

    def set_custom_properties(self, values: dict[str, Any]) -> None:
        with self._world.lock:
            self.state.custom_properties = dict(values)

    # ----------------------------------------------------------------- CI

    def set_status(
        self,
        sha: str,
        state: str = "success",
        context: str = "ci",
        description: str | None = None,
        target_url: str | None = None,
        login: str = "ci-bot",
    ) -> dict:
        item = statuses.create(
            self._world, self.state, sha, state, context, description, target_url, Actor(login)
        )
        return views.status(self._world.base, self.state, item)

    def complete_check_suite(
        self, sha: str, conclusion: str = "success", app: SimApp | None = None
    ) -> dict:
        """Emit `check_suite` `completed` (with `pull_requests` filled like GitHub)."""
        return ci_events.complete_check_suite(
            self._world, self.state, sha, conclusion, app, _ci_actor(app)
        )

    def complete_workflow_run(
        self, sha: str, conclusion: str = "success", name: str = "CI", app: SimApp | None = None
    ) -> dict:
        """Emit `workflow_run` `completed` for a GitHub Actions run on `sha`."""
        return ci_events.complete_workflow_run(
            self._world, self.state, sha, conclusion, name, _ci_actor(app)
        )

    def create_deployment_status(
        self,
        sha: str,
        state: str = "success",
        environment: str = "staging",
        login: str = "deployer",
    ) -> dict:
        """Emit `deployment_status` `created` for a deployment of `sha`."""
        return ci_events.create_deployment_status(
            self._world, self.state, sha, state, environment, Actor(login)
        )

    def statuses(self, sha: str) -> list[dict]:
        with self._world.lock:
            return [
                views.status(self._world.base, self.state, s)
                for s in self.state.statuses.get(sha, [])
            ]

    def combined_status(self, sha: str) -> dict:
        with self._world.lock:
            return statuses.combined(self._world, self.state, sha)

    def check_runs(self, sha: str) -> list[dict]:
        return checks.for_commit(self._world, self.state, sha, None, None)

    # ----------------------------------------------------------------- pull requests

    def open_pull_request(
        self,
        head: str,
        base: str,
        title: str = "Promote",
        draft: bool = False,
        login: str | None = None,
    ) -> int:
        pr = pulls.create(
            self._world, self.state, head, base, title, None, draft, self._actor(login)
        )
        return pr.number

    def mark_ready_for_review(self, number: int, login: str | None = None) -> None:
        with self._world.lock:
            pr = self._world.pull(self.state, number)
            pulls.mark_ready_for_review(self._world, self.state, pr, self._actor(login))

    def close_pull_request(self, number: int, login: str | None = None) -> None:
        with self._world.lock:
            pr = self._world.pull(self.state, number)
            pulls.update(self._world, self.state, pr, {"state": "closed"}, self._actor(login))

    def approve(self, pr_number: int, commit_id: str | None = None, login: str = "reviewer") -> int:
        """An approving review (on the head commit unless `commit_id`); emits the review event."""
        with self._world.lock:
            pr = self._world.pull(self.state, pr_number)
            return pulls.submit_review(
                self._world, self.state, pr, "APPROVE", commit_id, "", Actor(login)
            ).id

    def pull_request(self, number: int) -> dict:
        with self._world.lock:
            return self._world.pull_json(self.state, self._world.pull(self.state, number))

    def add_labels(self, number: int, *labels: str) -> None:
        """Label an issue or a pull request (as `POST /issues/{n}/labels`)."""
        with self._world.lock:
            issues.add_labels(issues.find(self.state, number), list(labels))

    def create_issue(self, title: str, body: str = "", labels: tuple[str, ...] = ()) -> int:
        with self._world.lock:
            return issues.create(self.state, title, body, list(labels), Actor(self.owner)).number

    def issues(self, state: str = "open", labels: str | None = None) -> list[dict]:
        """Issues (not pull requests) as `GET /issues` shows them, newest first."""
        with self._world.lock:
            found = issues.listed(self.state, state, labels)
            return [
                issues.view(self._world.base, self.state, item)
                for item in found
                if item.number in self.state.issues
            ]

    def close_issue(self, number: int, login: str | None = None) -> None:
        with self._world.lock:
            issue = self.state.issues[number]
            issues.update(self.state, issue, {"state": "closed"}, self._actor(login))

    def activity(self, branch: str) -> list[dict]:
        """`GET /activity?ref=refs/heads/{branch}`, newest first."""
        with self._world.lock:
            ref = f"refs/heads/{branch}"
            entries = [e for e in reversed(self.state.activity) if e.ref == ref]
            return [issues.activity_view(self._world.base, e) for e in entries]

    def pull_requests(self, state: str = "open") -> list[dict]:
        """Pull requests as `GET /pulls/{n}` shows them, newest first."""
        with self._world.lock:
            pulls = sorted(self.state.pulls.values(), key=lambda pr: -pr.number)
            return [
                self._world.pull_json(self.state, pr) for pr in pulls if state in ("all", pr.state)
            ]


def _ci_actor(app: SimApp | None) -> Actor:
    return Actor(app.bot_login, "Bot") if app else Actor("github-actions[bot]", "Bot")
