"""Metrics: what a dashboard or an alert reads about deliveries, GitHub and promotions.

Observations are :class:`~gh_promotion.metrics.catalog.Sample` values made at
the runtime edge from what a delivery already produced (its answer, its
``Result``, the GitHub responses the gateway reports to
:mod:`gh_promotion.gateway.tally`) and handed to the process's one sink:

- the service: :mod:`gh_promotion.metrics.prometheus` (``prometheus_client``),
  scraped on ``GET /metrics``;
- a Lambda invocation: :mod:`gh_promotion.metrics.emf`, one CloudWatch
  embedded-metric-format line per invocation.

The core never imports this package (it does no I/O); only the sink for
Prometheus imports ``prometheus_client``, so a Lambda's cold start never pays
for it. Every module here but that one is standard library only.
See docs/metrics.md.
"""
