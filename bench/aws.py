"""A moto server on loopback holding the App's credentials in SSM, as production keeps them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from bench.world import GitHub

REGION = "eu-west-1"
SSM_WEBHOOK_SECRET = "bench webhook secret"


@contextmanager
def moto_server() -> Iterator[str]:
    """The endpoint URL of a moto server on 127.0.0.1 and a free port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def ssm_app_env(endpoint_url: str, github: GitHub) -> dict[str, str]:
    """Store the simulator App's credentials in SSM; the environment of an ``ssm`` process."""
    import boto3

    env = {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    name = f"/gh-promotion/bench-{uuid.uuid4().hex[:8]}/app"
    value = {
        "app_id": github.app.app_id,
        "private_key": github.app.private_key_pem,
        "webhook_secret": SSM_WEBHOOK_SECRET,
    }
    client = boto3.client(
        "ssm",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.put_parameter(Name=name, Value=json.dumps(value), Type="SecureString")
    return env | {
        "GITHUB_AUTH_MODE": "ssm",
        "GITHUB_APP_SSM_ARN": name,
        "GITHUB_API_URL": github.sim.api_url,
    }
