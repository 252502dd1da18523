"""The secrets that used to reach the model, end to end through the fake model: an AWS
secret access key, and the body of a private key whose BEGIN line lies outside the hunk.
Neither is in any request, and the findings still land on the lines they cite."""

from __future__ import annotations

from pathlib import Path

from action_runner import add_event_pull, run_action
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer, ReadingModel, Trigger
from secret_samples import AWS_KEY_ID, AWS_SECRET

EVAL = Trigger("eval(", severity="critical", category="security", title="eval() of caller input")
COMMITTED = Trigger("[REDACTED", severity="warning", category="security", title="Committed secret")


def private_key() -> str:
    """A real RSA key, made for this test and thrown away."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def number_of(needle: str, text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_an_aws_secret_key_and_a_key_body_outside_its_begin_line_never_reach_the_model(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    key = private_key()
    key_material = key.strip().splitlines()[1:-1]
    settings = f'"""Deploy settings."""\n\nDEPLOY_KEY = """\n{key}"""\n\n\ndef deploy(host):\n'
    repo = GitRepo(tmp_path / "repo")
    repo.write("deploy/settings.py", settings + "    pass\n")
    repo.write(".aws/credentials", "[default]\nregion = eu-west-1\n")
    base = repo.commit("base")
    # The PR changes the line after the key's END and the function below it: git's hunk
    # opens on the key's last lines, its BEGIN line far above.
    head_settings = settings.replace(f'{key}"""', f'{key}""".strip()') + "    return eval(host)\n"
    repo.write("deploy/settings.py", head_settings)
    credentials = (
        "[default]\nregion = eu-west-1\n"
        f"aws_access_key_id = {AWS_KEY_ID}\naws_secret_access_key = {AWS_SECRET}\n"
    )
    repo.write(".aws/credentials", credentials)
    repo.commit("head")
    diff = repo.diff(base)
    # The two leaks the issue reported, present in the diff the action reads.
    assert "-----BEGIN" not in diff and [line for line in key_material if line in diff]
    assert AWS_SECRET in diff
    add_event_pull(fake_github, diff)
    fake_model.model = ReadingModel([EVAL, COMMITTED])

    result = run_action(tmp_path, fake_github, fake_model)

    assert result.returncode == 1, result.stdout + result.stderr  # the eval() still fails it
    sent = "\n".join(m["content"] for r in fake_model.requests for m in r["messages"])
    assert "aws_secret_access_key = " in sent and "-----END RSA PRIVATE KEY-----" not in sent
    assert AWS_SECRET not in sent and AWS_KEY_ID not in sent
    assert [line for line in key_material if line in sent] == []
    assert "[REDACTED:aws-secret-access-key]" in sent and "[REDACTED:private-key]" in sent
    # Every finding sits on the line it cites, in the file as the PR leaves it.
    placed = {
        (c["path"], c["line"], c["body"].splitlines()[0]) for c in fake_github.review_comments
    }
    secret_line = number_of("aws_secret_access_key", credentials)
    id_line = number_of("aws_access_key_id", credentials)
    eval_line = number_of("eval(", head_settings)
    assert {(path, line) for path, line, _ in placed} == {
        (".aws/credentials", id_line),
        (".aws/credentials", secret_line),
        ("deploy/settings.py", eval_line),
    }
    assert any("eval()" in title for path, _, title in placed if path == "deploy/settings.py")
    # Nor does either secret reach anything the action writes.
    written = [
        *(c["body"] for c in fake_github.review_comments),
        *(c["body"] for c in fake_github.issue_comments),
        *(r["body"] for r in fake_github.reviews),
        result.stdout,
        result.stderr,
        result.step_summary,
    ]
    everything = "\n".join(written)
    assert AWS_SECRET not in everything and [k for k in key_material if k in everything] == []
