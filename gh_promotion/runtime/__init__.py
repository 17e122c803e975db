"""The shells around the promotion core: the HTTP service and the AWS Lambda handler.

- :mod:`.dispatch`   — the one wrapper around ``core.handle`` every runtime uses
- :mod:`.webapp`     — the Flask app (webhook path, ``/healthz``) shared by service and Lambda HTTP
- :mod:`.service`    — the production WSGI server (waitress) with graceful shutdown
- :mod:`.lambda_cli` — ``gh-promotion lambda http|event``: Runtime API loop or one local invoke
- :mod:`.startup`    — what every runtime checks before it serves (webhook secret, warnings)
- :mod:`.demo`       — ``gh-promotion demo``: the service against the simulator (the one
  module that imports it)
"""
