"""The shells around the promotion core, and the one place it is wired to GitHub.

The edge: it composes intake, core and gateway, and nothing in the core or the
gateway imports it.

- :mod:`.dispatch`   — the one wrapper around ``core.handle`` every runtime uses
- :mod:`.wiring`     — which GitHub the core talks to: the gateway, its credentials, the App's id
- :mod:`.webapp`     — the Flask app (webhook path, ``/healthz``) shared by service and Lambda HTTP
- :mod:`.service`    — the production WSGI server (waitress) with graceful shutdown
- :mod:`.lambda_cli` — ``gh-promotion lambda http|event``: Runtime API loop or one local invoke
- :mod:`.startup`    — what every runtime checks before it serves (webhook secret, warnings)
- :mod:`.demo`       — ``gh-promotion demo``: the service against the simulator (the one
  module that imports it)
"""
