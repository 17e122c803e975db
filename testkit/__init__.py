"""Helpers shared by the tests (``tests/``) and the benchmarks (``bench/``).

GitHub's own webhook payload examples (``octokit/``) and the builders around them,
signed deliveries as GitHub sends them, Lambda events as AWS shapes them, and
gh-promotion installed as a GitHub App on the simulator. Imported from the
repository root like ``tests`` and ``bench``; not part of the installed package
(pyproject.toml packages ``gh_promotion*`` only). It imports neither ``tests``
nor ``bench`` (tests/test_layering_simulator.py).
"""
