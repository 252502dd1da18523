"""Secrets of every shape the masker must catch, each as a line of a file that holds it.

Where they come from:
- AWS: the example key pair of AWS's documentation ("Managing access keys for IAM users"),
  the pair the issue reported leaking.
- The other service formats: the positive examples of detect-secrets' own tests
  (github.com/Yelp/detect-secrets, tests/plugins/*_test.py at commit 5e14193, 2026-04-02),
  with the short placeholders some of them use replaced by random characters of a real
  key's length, as a committed key has.
- Formats detect-secrets lacks (Anthropic, newer OpenAI, Google, fine-grained GitHub): the
  vendors' documented prefixes and lengths, filled with random characters.
- Private keys: generated at test time (tests/core/test_secrets_mask.py), never stored.

Every value is assembled at run time, so that no secret scanner flags this file; none is
or was a live credential."""

from __future__ import annotations

from typing import NamedTuple


class Sample(NamedTuple):
    name: str
    path: str  # the file the line sits in (detectors read YAML, env files… differently)
    line: str
    secret: str  # what must not survive masking


def _j(*parts: str) -> str:
    return "".join(parts)


AWS_KEY_ID = _j("AKIA", "IOSFODNN7EXAMPLE")
AWS_SECRET = _j("wJalrXUtnFEMI/K7MDENG", "/bPxRfiCYEXAMPLEKEY")
GITHUB_CLASSIC = _j("ghp_", "wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx")
GITHUB_LONG = _j(GITHUB_CLASSIC, "Qz7Rk2")  # past the 36 characters the library matches
GITHUB_FINE = _j(
    "github_pat_", "11ABCDEFG0", "aBcDeFgHiJkLmNoPqRsTuV_wXyZ0123456789abcdefghijKLMNOPQRSTUVW"
)
OPENAI_LEGACY = _j("sk-Xi8tcNiHV9awbCcvil", "TeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o")
OPENAI_PROJECT = _j("sk-proj-", "Xq7vN2kLp9RtW4yZ" * 3)
ANTHROPIC = _j("sk-ant-api03-", "k3Jd8QmZ2vXc7Lp0Rt5Wy9Bn4Hf6Gs1Ae" * 2, "-AbCdEfAA")
GOOGLE = _j("AIza", "SyD3k9Qm2Zx7Lp0Rt5Wy9Bn4Hf6Gs1Ae8u")
SLACK_BOT = _j("xoxb-", "1234567890-1234567890123-", "kQ3mZ8pL2vX9rT4wY7bN1cF6")
SLACK_WEBHOOK = _j(
    "https://hooks.slack.com/services/", "T01234ABC/B05678DEF/", "q8Lm3Xz9Rk2Vp7Wn4Ty6Bc1D"
)
STRIPE = _j("sk_live_", "51HqR8kLm3Xz9Rk2Vp7Wn4Ty")
JWT = _j(
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
)
GITLAB = _j("glpat-", "xK9mQ2vLp7Rt3Wn8Zc4B")
SENDGRID = _j("SG.ngeVfQFYQlKU0ufo8x5d1A.", "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr")
NPM = _j("npm_", "k3Jd8QmZ2vXc7Lp0Rt5Wy9Bn4Hf6Gs1Ae8u")
PYPI = _j(
    "pypi-AgEIcHlwaS5vcmc",
    "CJDU3OTM1MjliLWIyYTYtNDEwOC05NzRkLTM0MjNiNmEwNWIzYgACF1sxLFsidGVzdCJdXQAABiCHZQg0",
)
TELEGRAM = _j("110201543:", "AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw")
DISCORD = _j("MTk4NjIyNDgzNDcxOTI1MjQ4", ".Cl2FMQ.", "ZnCjm1XVW7vRze4b7Cq4se7kKWs")
TWILIO = _j("SK", "f3b9c0d2e8a14c6b9d7e5f1a2b3c4d5e")
MAILCHIMP = _j("f3b9c0d2e8a14c6b9d7e5f1a2b3c4d5e", "-us12")
SQUARE = _j("sq0csp-", "0p9h7g6f4s3s3s3-4a3ardgwa6ADRDJDDKUFYDYDYDY")
AZURE = _j(
    "lJzRc1YdHaAA2KCNJJ1tkYwF/+mKK6Ygw0NGe170Xu592euJv2wYUtBlV8z+qnlcNQSnIYVTkLWntUO1F8j8rQ=="
)
ARTIFACTORY = _j("AKCp", "8jQ2vLp7Rt3Wn8Zc4BxK9mQ2vLp7Rt3Wn8Zc4BxK9mQ2vLp7Rt3Wn8Zc4BxK9mQ2vLp7")
IBM_IAM = _j("abcd1234abcd1234abcd1234", "ABCD1234ABCD1234--__")
IBM_COS = _j("1234567890abcdef", "1234567890abcdef1234567890abcdef")
SOFTLAYER = _j("abcd1234" * 4, "abcd1234" * 4)
CLOUDANT_PW = _j("abcd1234" * 4, "abcd1234" * 4)
PASSWORD = _j("correct horse ", "battery staple")
HIGH_ENTROPY = _j("8fQ2kL9zXv3", "mN7pR4tW1yB6cD0eG5hJ")

SAMPLES: tuple[Sample, ...] = (
    Sample("aws key id", "deploy.py", f'KEY_ID = "{AWS_KEY_ID}"', AWS_KEY_ID),
    # The leak: an AWS secret access key, in each way files hold one.
    Sample(
        "aws secret, credentials file",
        ".aws/credentials",
        f"aws_secret_access_key = {AWS_SECRET}",
        AWS_SECRET,
    ),
    Sample(
        "aws secret, YAML", "config/aws.yml", f"  aws_secret_access_key: {AWS_SECRET}", AWS_SECRET
    ),
    Sample(
        "aws secret, workflow env",
        ".github/workflows/deploy.yml",
        f"      AWS_SECRET_ACCESS_KEY: {AWS_SECRET}",
        AWS_SECRET,
    ),
    Sample("aws secret, JSON", "creds.json", f'  "SecretAccessKey": "{AWS_SECRET}",', AWS_SECRET),
    Sample("aws secret, env file", ".env", f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}", AWS_SECRET),
    Sample(
        "aws secret, shell",
        "scripts/deploy.sh",
        f"export AWS_SECRET_ACCESS_KEY={AWS_SECRET}",
        AWS_SECRET,
    ),
    Sample(
        "aws secret, Python call",
        "app/s3.py",
        f'boto3.client("s3", aws_secret_access_key="{AWS_SECRET}")',
        AWS_SECRET,
    ),
    Sample("aws secret, Terraform", "main.tf", f'  secret_key = "{AWS_SECRET}"', AWS_SECRET),
    Sample(
        "aws secret, Java",
        "S3.java",
        f'new BasicAWSCredentials("{AWS_KEY_ID}", "{AWS_SECRET}");',
        AWS_SECRET,
    ),
    Sample("github classic", "ci.py", f'TOKEN = "{GITHUB_CLASSIC}"', GITHUB_CLASSIC),
    Sample("github, longer than 36", "ci.py", f"token: {GITHUB_LONG}", GITHUB_LONG[-12:]),
    Sample("github fine-grained", "ci.py", f'TOKEN = "{GITHUB_FINE}"', GITHUB_FINE),
    Sample("openai legacy", "bot.py", f'openai.api_key = "{OPENAI_LEGACY}"', OPENAI_LEGACY),
    Sample(
        "openai project", "bot.py", f'client = OpenAI(api_key="{OPENAI_PROJECT}")', OPENAI_PROJECT
    ),
    Sample("anthropic", "bot.py", f"ANTHROPIC_API_KEY={ANTHROPIC}", ANTHROPIC),
    Sample("google api key", "maps.js", f'const maps = load("{GOOGLE}");', GOOGLE),
    Sample("slack bot token", "notify.py", f'slack = WebClient("{SLACK_BOT}")', SLACK_BOT),
    Sample("slack webhook", "notify.py", f'post("{SLACK_WEBHOOK}", payload)', SLACK_WEBHOOK),
    Sample("stripe live key", "pay.rb", f"Stripe.api_key = '{STRIPE}'", STRIPE),
    Sample("jwt", "test_auth.py", f'headers = {{"Authorization": "Bearer {JWT}"}}', JWT),
    Sample("gitlab", ".gitlab-ci.yml", f"  GITLAB_TOKEN: {GITLAB}", GITLAB),
    Sample("sendgrid", "mail.py", f'sg = SendGridAPIClient("{SENDGRID}")', SENDGRID),
    Sample("npm", ".npmrc", f"//registry.npmjs.org/:_authToken={NPM}", NPM),
    Sample("pypi", ".pypirc", f"password = {PYPI}", PYPI),
    Sample("telegram", "bot.py", f'bot = Bot("{TELEGRAM}")', TELEGRAM),
    Sample("discord", "bot.js", f'client.login("{DISCORD}");', DISCORD),
    Sample("twilio", "sms.py", f'client = Client("{TWILIO}", auth)', TWILIO),
    Sample("mailchimp", "mail.py", f'mc.set_config({{"api_key": "{MAILCHIMP}"}})', MAILCHIMP),
    Sample("square", "pay.py", f'SQUARE_SECRET = "{SQUARE}"', SQUARE),
    Sample(
        "azure storage",
        "app.config",
        f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={AZURE};EndpointSuffix=core.windows.net",
        AZURE,
    ),
    Sample("artifactory", "build.gradle", f"artifactory_password={ARTIFACTORY}", ARTIFACTORY),
    Sample("ibm cloud iam", "ibm.yml", f"ibm-cloud_api_key: {IBM_IAM}", IBM_IAM),
    Sample("ibm cos hmac", "cos.py", f'cos_secret_access_key = "{IBM_COS}"', IBM_COS),
    Sample("softlayer", "sl.sh", f"sl --softlayer-api-key={SOFTLAYER}", SOFTLAYER),
    Sample("cloudant", "db.py", f'cloudant_password = "{CLOUDANT_PW}"', CLOUDANT_PW),
    Sample(
        "url credentials",
        "settings.py",
        'DATABASE_URL = "postgres://app:s3cr3t-Pw@db:5432/app"',
        "s3cr3t-Pw",
    ),
    Sample("password by name", "settings.py", f'PASSWORD = "{PASSWORD}"', PASSWORD),
    Sample("password in a call", "db.py", f'conn = connect(host, password="{PASSWORD}")', PASSWORD),
    Sample("password, unquoted config", "db.ini", f"password = {PASSWORD}", PASSWORD),
    Sample(
        "random quoted string",
        "client.py",
        f'headers = {{"X-Api-Token": "{HIGH_ENTROPY}"}}',
        HIGH_ENTROPY,
    ),
)
