#!/usr/bin/env python3
"""The docker-compose demo's one-shot jobs (DEVELOPMENT ONLY: fake AWS, development tokens).

  faultline-demo.py platform-key DIR   the scheduler's platform signing key (ADR 0008) in DIR,
                                       made once: scheduler-signing.pem (PKCS#8, owner-only, owned
                                       by the services' uid) and scheduler-signing.pub.pem
  faultline-demo.py seed               the demo tenant, as ./faultline-local seeds it: in moto's
                                       account 123456789012 (eu-west-1) two running instances
                                       tagged app=checkout and one tagged app=payments; the
                                       account registered and the policy put through the
                                       scheduler's API. Run again, it changes nothing.
  faultline-demo.py token [ROLE...]    prints a development token of the demo tenant (default
                                       role admin) for the scheduler's API

Settings (environment): MOTO_ENDPOINT (http://moto:5000), SCHEDULER_URL (http://localhost:8080),
TENANT (demo), ACCOUNT (123456789012), REGION (eu-west-1), SERVICE_UID (65532).

POST /dev/tokens answers loopback callers only, so compose runs this in the scheduler's network
namespace (network_mode: service:scheduler-service). Needs Python 3, boto3 and cryptography (the
moto image has them).
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

MOTO = os.environ.get("MOTO_ENDPOINT", "http://moto:5000")
SCHEDULER = os.environ.get("SCHEDULER_URL", "http://localhost:8080").rstrip("/")
TENANT = os.environ.get("TENANT", "demo")
ACCOUNT = os.environ.get("ACCOUNT", "123456789012")
REGION = os.environ.get("REGION", "eu-west-1")
SERVICE_UID = int(os.environ.get("SERVICE_UID", "65532"))
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/faultline-target"

# The instances of the demo, as local-platform's DemoTenant creates them.
INSTANCES = [
    (2, {"app": "checkout", "env": "demo", "Name": "checkout"}),
    (1, {"app": "payments", "env": "demo", "Name": "payments"}),
]

# The demo policy, as local-platform's DemoTenant puts it: every catalogue fault any time, at most
# 600 s, 100 %, 10 targets, no cooldown (so the demo can be repeated). Signed requests required:
# the scheduler signs with the platform key.
POLICY = {
    # Every fault of the catalogue (ComposeFileTest keeps this list equal to it).
    "allowedFaultTypes": [
        "ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer",
        "ec2-cpu-stress", "ec2-memory-stress",
        "ec2-network-latency", "ec2-network-packet-loss", "ec2-network-blackhole",
        "ec2-disk-io-stress", "ec2-disk-fill",
    ],
    "protectedTargets": {"instanceIds": [], "clusterNames": [], "tags": []},
    "windows": {"timeZone": "UTC", "allowed": [], "blackout": []},
    "bounds": {"maxDurationSeconds": 600, "maxAffectedPercent": 100, "maxTargets": 10},
    "concurrency": {"maxActiveFaults": 10, "maxActiveFaultsPerAccount": 10},
    "cooldownSeconds": 0,
    "dryRunOnly": False,
    "requireSignedRequests": True,
}


def log(message):
    print(f"faultline-demo: {message}", flush=True)


def platform_key(directory):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private_path = os.path.join(directory, "scheduler-signing.pem")
    public_path = os.path.join(directory, "scheduler-signing.pub.pem")
    if os.path.exists(private_path) and os.path.exists(public_path):
        log(f"platform key in {directory} kept")
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    os.makedirs(directory, exist_ok=True)
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(private_pem)
    with open(public_path, "wb") as out:
        out.write(public_pem)
    os.chmod(public_path, 0o644)
    if os.geteuid() == 0:
        # The services run as SERVICE_UID: the scheduler must read its key, nobody else.
        os.chown(private_path, SERVICE_UID, SERVICE_UID)
    log(f"platform key written to {directory}")


def request(method, path, body=None, token=None, expected=(200,)):
    """One call to the scheduler; retried while it is not answering yet (up to 120 s)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"accept": "application/json"}
    if data is not None:
        headers["content-type"] = "application/json"
    if token:
        headers["authorization"] = f"Bearer {token}"
    deadline = time.monotonic() + 120
    while True:
        try:
            call = urllib.request.Request(SCHEDULER + path, data=data, headers=headers, method=method)
            with urllib.request.urlopen(call, timeout=30) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as e:
            text, status = e.read().decode(), e.code
        except (urllib.error.URLError, ConnectionError) as e:
            if time.monotonic() > deadline:
                raise SystemExit(f"faultline-demo: {method} {SCHEDULER}{path} failed: {e}")
            time.sleep(1)
            continue
        if status in expected:
            return json.loads(text) if text.strip() else {}
        if status == 503 and time.monotonic() < deadline:
            time.sleep(1)
            continue
        raise SystemExit(f"faultline-demo: {method} {path} answered {status}: {text}")


def token(roles):
    answer = request(
        "POST",
        "/dev/tokens",
        {"subject": "faultline-demo", "tenantId": TENANT, "roles": roles},
    )
    return answer["token"]


def ec2_client():
    import boto3

    # moto accepts any credentials; AssumeRole into the tenant's account gives that account's state.
    sts = boto3.client(
        "sts",
        endpoint_url=MOTO,
        region_name=REGION,
        aws_access_key_id="faultline-demo",
        aws_secret_access_key="faultline-demo-secret",
    )
    credentials = sts.assume_role(
        RoleArn=ROLE_ARN, RoleSessionName="faultline-demo", ExternalId="faultline-demo"
    )["Credentials"]
    return boto3.client(
        "ec2",
        endpoint_url=MOTO,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def running_instances(ec2, app):
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[
            {"Name": "tag:app", "Values": [app]},
            {"Name": "tag:env", "Values": ["demo"]},
            {"Name": "instance-state-name", "Values": ["pending", "running"]},
        ]
    )
    return [i["InstanceId"] for page in pages for r in page["Reservations"] for i in r["Instances"]]


def seed():
    ec2 = ec2_client()
    for count, tags in INSTANCES:
        existing = running_instances(ec2, tags["app"])
        if len(existing) < count:
            ec2.run_instances(
                ImageId="ami-12c6146b",
                InstanceType="t3.micro",
                MinCount=count - len(existing),
                MaxCount=count - len(existing),
                TagSpecifications=[
                    {
                        "ResourceType": "instance",
                        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
                    }
                ],
            )
        ids = running_instances(ec2, tags["app"])
        log(f"account {ACCOUNT} {REGION}: {' '.join(sorted(ids))} (app={tags['app']})")

    admin = token(["admin"])
    request(
        "PUT",
        f"/api/v1/tenants/{TENANT}/accounts/{ACCOUNT}",
        {"roleArn": ROLE_ARN, "regions": [REGION]},
        admin,
        (200, 201),
    )
    log(f"tenant {TENANT}: account {ACCOUNT} registered ({ROLE_ARN})")
    request("PUT", f"/api/v1/tenants/{TENANT}/policy", POLICY, admin, (200, 201))
    log(
        f"tenant {TENANT}: policy allows {', '.join(POLICY['allowedFaultTypes'])} any time"
        " (development tokens: docker compose run --rm -T demo token)"
    )


def main(args):
    if len(args) == 2 and args[0] == "platform-key":
        platform_key(args[1])
    elif args == ["seed"]:
        seed()
    elif args and args[0] == "token":
        print(token(args[1:] or ["admin"]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
