"""The shells around the promotion core, and the one place it is wired to GitHub.

The edge: it composes intake, core and gateway, and nothing in the core, the
gateway or intake imports it. Every shell lives here, and only here are Flask,
waitress, mangum and a2wsgi imported.

- :mod:`.dispatch`   — the one wrapper around ``core.handle`` every runtime uses
- :mod:`.wiring`     — which GitHub the core talks to: the gateway, its credentials, the App's id
- :mod:`.webapp`     — the Flask app (webhook path, ``/healthz``) shared by service and Lambda HTTP
- :mod:`.service`    — the production WSGI server (waitress) with graceful shutdown
- :mod:`.aws_lambda` — the Lambda handler (HTTP via mangum, EventBridge); documented as
  ``gh_promotion.aws_lambda.handler``, a re-export
- :mod:`.lambda_cli` — ``gh-promotion lambda http|event``: Runtime API loop or one local invoke
- :mod:`.startup`    — what every runtime checks before it serves (webhook secret, warnings)
- :mod:`.explain`    — ``gh-promotion explain OWNER/REPO``: each step of a path and what it
  waits for, read-only
- :mod:`.demo`       — ``gh-promotion demo``: the service against the simulator (the one
  module that imports it)
"""
