# gh-promotion container images.
#
#   docker build --target lambda  -t gh-promotion:lambda .   # Lambda container image
#   docker build --target service -t gh-promotion:service .  # service behind a load balancer
#
# The Lambda image runs `gh-promotion lambda http` (or `... lambda event`, by
# overriding CMD): with AWS_LAMBDA_RUNTIME_API set by Lambda it runs the Runtime
# API loop through awslambdaric, so no AWS base image is needed.

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml setup.cfg README.md ./
# (without gh_promotion/simulator, which .dockerignore leaves out: only the demo uses it)
COPY gh_promotion ./gh_promotion
RUN python -m venv /opt/gh-promotion \
 && /opt/gh-promotion/bin/pip install --no-cache-dir .

FROM python:3.12-slim AS base
# git is not needed at run time: every GitHub operation goes through the REST API.
COPY --from=build /opt/gh-promotion /opt/gh-promotion
ENV PATH=/opt/gh-promotion/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN useradd --system --uid 10001 --no-create-home gh-promotion
USER 10001
WORKDIR /var/task

FROM base AS lambda
ENTRYPOINT ["gh-promotion", "lambda"]
CMD ["http"]

FROM base AS service
ENV ADDR=0.0.0.0 \
    PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), timeout=2)" || exit 1
# SIGTERM finishes the deliveries in flight, then exits 0 (see docs/runtimes.md).
STOPSIGNAL SIGTERM
ENTRYPOINT ["gh-promotion", "service"]
