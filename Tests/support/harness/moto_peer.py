"""moto_server (with moto_extensions.py) as an AWS peer that checks SigV4 signatures like AWS does."""
import json
import os
import pathlib
import subprocess
import sys
import urllib.request

import boto3

REGION = "us-east-1"
PRIMARY_ACCOUNT = "123456789012"  # moto's default account
SECOND_ACCOUNT = "222222222222"  # e.g. the account a snapshot is shared with
USER_NAME = "staging-refresh"
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
EXTENSIONS = pathlib.Path(__file__).with_name("moto_extensions.py")


class MotoServer:
    """moto_server on a free loopback port with signature checking on, and in each of `accounts` an IAM
    user allowed everything whose access key signs for that account (moto finds a request's account
    from the access key that signed it). The first account is the default one."""

    def __init__(self, accounts=(PRIMARY_ACCOUNT, SECOND_ACCOUNT)):
        self.accounts = tuple(accounts)
        self.account_id = self.accounts[0]
        self.region = REGION
        self.endpoint = None
        self.process = None
        self._keys = {}  # account id -> (access key id, secret access key)

    def __enter__(self):
        # MOTO_ACCOUNT_ID would put every request in one account; INITIAL_NO_AUTH_ACTION_COUNT would
        # check signatures before the users below exist.
        env = {k: v for k, v in os.environ.items() if k not in ("MOTO_ACCOUNT_ID", "INITIAL_NO_AUTH_ACTION_COUNT")}
        self.process = subprocess.Popen([sys.executable, str(EXTENSIONS)], env=env, stdout=subprocess.PIPE, text=True)
        try:
            line = self.process.stdout.readline()
            if not line.startswith("listening on 127.0.0.1:"):
                raise RuntimeError(f"moto_server did not start: {line!r}")
            self.endpoint = "http://" + line.split()[-1]
            for account in self.accounts:
                self._keys[account] = self._create_user(account)
            self._enable_signature_checks()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()

    def _create_user(self, account):
        """Creates the IAM user in `account` while signatures are not checked yet. Returns its key."""
        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name=self.region,
                           aws_access_key_id="setup", aws_secret_access_key="setup")

        # This key belongs to no account, so moto takes the account from its own header.
        def in_account(request, **_):
            request.headers["x-moto-account-id"] = account

        iam.meta.events.register("before-sign.iam", in_account)
        iam.create_user(UserName=USER_NAME)
        iam.put_user_policy(UserName=USER_NAME, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
        key = iam.create_access_key(UserName=USER_NAME)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def _enable_signature_checks(self):
        """Checks signatures from now on: moto checks every request once it has served
        INITIAL_NO_AUTH_ACTION_COUNT unchecked ones, and this sets that count to 0. moto 5.2.1 reads the
        body as a bare number (float(request.data)); a form content type would hide it from request.data."""
        request = urllib.request.Request(self.endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                         headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=10) as response:
            json.load(response)  # {"status": "ok", ...}; anything else raises

    @property
    def access_key_id(self) -> str:
        return self._keys[self.account_id][0]

    @property
    def secret_access_key(self) -> str:
        return self._keys[self.account_id][1]

    def client(self, service: str, account: str = None, **kwargs):
        """A boto3 client signed with `account`'s key (default: the first account); kwargs override
        its settings, e.g. aws_secret_access_key to sign wrongly."""
        key_id, secret = self._keys[account or self.account_id]
        settings = {"endpoint_url": self.endpoint, "region_name": self.region,
                    "aws_access_key_id": key_id, "aws_secret_access_key": secret}
        return boto3.client(service, **{**settings, **kwargs})

    def env(self, account: str = None) -> dict:
        """A whole environment (os.environ's, for subprocess.Popen(env=...)) for a program that reaches
        this server as `account`: the static key, region and endpoint, and no profile or session token
        that the SDK would prefer or mix in."""
        key_id, secret = self._keys[account or self.account_id]
        env = {k: v for k, v in os.environ.items()
               if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")}
        env.update(AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret, AWS_REGION=self.region,
                   AWS_DEFAULT_REGION=self.region, AWS_ENDPOINT_URL=self.endpoint)
        return env
