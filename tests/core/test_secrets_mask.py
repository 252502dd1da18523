"""Masking a diff's files before chunking: secrets on one line, private keys over many,
hunks that begin inside a key, and lines that keep their places and numbers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fakes.git_repo import GitRepo
from hypothesis import given
from hypothesis import strategies as st
from secret_samples import AWS_SECRET, SAMPLES, Sample

from reviewer.core.diff import FileDiff, LineKind, parse_diff
from reviewer.core.secrets_mask import mask_file, mask_secrets

SECRETS = {
    "openai": "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
    "aws": "AKIAIOSFODNN7EXAMPLE",
    "github": "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "slack": "xoxb-123456789012-abcdefghij",
}


def test_known_secret_shapes_are_masked_and_lines_keep_their_numbers() -> None:
    text = "\n".join(f"{i} +{name} = {value!r}" for i, (name, value) in enumerate(SECRETS.items()))
    text += "\n9 +key = '''-----BEGIN OPENSSH PRIVATE KEY-----\n10 +b3BlbnNzaC1rZXk\n"
    text += "11 +-----END OPENSSH PRIVATE KEY-----'''\n12 +model = 'sk-learn'"
    masked, count = mask_secrets(text)
    assert count == len(SECRETS) + 1
    for value in SECRETS.values():
        assert value not in masked
    assert "b3BlbnNzaC1rZXk" not in masked
    assert [line.split(" ", 1)[0] for line in masked.splitlines()] == [
        line.split(" ", 1)[0] for line in text.splitlines()
    ]
    assert "model = 'sk-learn'" in masked  # not a key
    assert "[REDACTED:openai-key]" in masked and "[REDACTED:private-key]" in masked


# -- private keys: real ones, generated here and thrown away ----------------------------------

NO_PASSWORD = serialization.NoEncryption()
PEM = serialization.Encoding.PEM


def _rsa() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        PEM, serialization.PrivateFormat.TraditionalOpenSSL, NO_PASSWORD
    ).decode()


def _pkcs8_ec() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, NO_PASSWORD).decode()


def _openssh() -> str:
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(PEM, serialization.PrivateFormat.OpenSSH, NO_PASSWORD).decode()


def _encrypted_pkcs8() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    protection = serialization.BestAvailableEncryption(b"passphrase")
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, protection).decode()


KEYS: dict[str, Callable[[], str]] = {
    "rsa": _rsa,
    "ec-pkcs8": _pkcs8_ec,
    "openssh": _openssh,
    "encrypted-pkcs8": _encrypted_pkcs8,
}


def body(key: str) -> list[str]:
    """The key material: every line inside the armour."""
    return key.strip().splitlines()[1:-1]


def leaked(key: str, text: str) -> list[str]:
    return [line for line in body(key) if line in text]


@pytest.mark.parametrize("make", KEYS.values(), ids=KEYS.keys())
def test_a_whole_key_is_masked_from_begin_to_end(make: Callable[[], str]) -> None:
    key = make()
    text = f'DEPLOY_KEY = """\n{key}"""\nHOST = "example.com"'
    masked, count = mask_secrets(text, "deploy.py")
    assert leaked(key, masked) == []
    assert count == 1
    assert masked.count("\n") == text.count("\n")
    assert masked.splitlines()[1] == "[REDACTED:private-key]"
    assert masked.endswith('"""\nHOST = "example.com"')


@pytest.mark.parametrize("make", KEYS.values(), ids=KEYS.keys())
def test_a_key_whose_begin_line_lies_above_the_text_is_masked(make: Callable[[], str]) -> None:
    # A hunk that starts in the middle of a key: body lines, then the END line alone.
    key_lines = make().strip().splitlines()
    text = "\n".join([*key_lines[len(key_lines) // 2 :], '"""', "", "def deploy():"])
    masked, count = mask_secrets(text, "deploy.py")
    assert leaked("\n".join(key_lines), masked) == []
    assert count == 1
    assert masked.count("\n") == text.count("\n")
    assert masked.endswith('"""\n\ndef deploy():')


@pytest.mark.parametrize("make", KEYS.values(), ids=KEYS.keys())
def test_key_lines_without_any_armour_are_masked(make: Callable[[], str]) -> None:
    # A hunk inside a long key: neither its BEGIN nor its END line is shown.
    lines = body(make())
    inner = lines[1:-1] if len(lines) > 3 else lines
    masked, _ = mask_secrets("\n".join(inner), "id_rsa")
    long_lines = [line for line in inner if len(line) >= 40]
    assert long_lines and not [line for line in long_lines if line in masked]


def test_the_short_last_line_of_a_key_is_masked_when_its_end_line_is_shown() -> None:
    key = _rsa().strip().splitlines()
    tail = key[-4:]  # two full lines, the short last one, END
    masked, _ = mask_secrets("\n".join(tail))
    assert masked.splitlines() == ["[REDACTED:private-key]"] * 4


def test_key_lines_held_in_code_keep_their_indentation() -> None:
    key = _rsa().strip().splitlines()
    lines = ["KEY = (", *(f'    "{line}\\n"' for line in key[-3:]), ")"]
    masked, count = mask_secrets("\n".join(lines), "keys.py")
    assert masked.splitlines() == [
        "KEY = (",
        "    [REDACTED:private-key]",
        "    [REDACTED:private-key]",
        '    [REDACTED:private-key]\\n"',
        ")",
    ]
    assert count == 1


def test_a_key_on_one_line_of_json_keeps_the_rest_of_the_line() -> None:
    key = _pkcs8_ec().replace("\n", "\\n")
    line = f'  "private_key": "{key}", "client_email": "ci@example.iam.gserviceaccount.com",'
    masked, count = mask_secrets(line, "service-account.json")
    assert leaked(_pkcs8_ec(), masked) == [] and "MI" not in masked
    assert masked.startswith('  "private_key": "[REDACTED:private-key]')
    assert masked.endswith('\\n", "client_email": "ci@example.iam.gserviceaccount.com",')
    assert count == 1


def test_a_base64_line_that_is_not_key_material_is_kept() -> None:
    for line in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # sha256 hex
        "ThisIsAVeryLongCamelCaseIdentifierWithoutAnyDigitsAtAll",
        "=" * 64,
    ):
        assert mask_secrets(line) == (line, 0)


# -- whole files, as chunk_plan masks them: git's own hunks -----------------------------------


def git_diff(tmp_path: Path, path: str, base: str, head: str) -> FileDiff:
    repo = GitRepo(tmp_path / "repo")
    repo.write(path, base)
    first = repo.commit("base")
    repo.write(path, head)
    repo.commit("head")
    (file,) = parse_diff(repo.diff(first))
    return file


def numbered(file: FileDiff) -> list[tuple[LineKind, int | None, int | None]]:
    return [(line.kind, line.old_no, line.new_no) for _, line in file.lines()]


def test_a_hunk_that_begins_inside_a_key_leaks_none_of_it(tmp_path: Path) -> None:
    key = _rsa()
    base = (
        f'"""Deploy settings."""\n\nDEPLOY_KEY = """\n{key}"""\n\n\ndef deploy(host):\n    pass\n'
    )
    # The line after the key's END changes: git's hunk opens on the key's last lines.
    head = base.replace(f'{key}"""\n', f'{key}""".strip()\n').replace("    pass", "    return host")
    file = git_diff(tmp_path, "deploy.py", base, head)
    shown = "\n".join(line.text for _, line in file.lines())
    assert "-----BEGIN" not in shown and leaked(key, shown)  # the leak this guards against

    masked, count = mask_file(file)
    text = "\n".join(line.text for _, line in masked.lines())
    assert leaked(key, text) == []
    assert 1 <= count <= 2  # the hunk's key lines, and the heading if git took a key line
    assert numbered(masked) == numbered(file)  # every line keeps its place and numbers
    assert [line.text for _, line in masked.lines()][-2:] == ["    pass", "    return host"]


def test_a_change_inside_a_key_leaks_none_of_it(tmp_path: Path) -> None:
    key = _rsa().strip().splitlines()
    base = "\n".join(key) + "\n"
    middle = len(key) // 2
    changed = [*key[:middle], key[middle][::-1], *key[middle + 1 :]]
    file = git_diff(tmp_path, "certs/deploy.pem", base, "\n".join(changed) + "\n")
    assert file.hunks[0].lines[0].text not in (key[0], key[-1])  # no armour in the hunk
    masked, count = mask_file(file)
    text = "\n".join(line.text for _, line in masked.lines())
    assert leaked("\n".join(changed), text) == [] and key[middle] not in text
    assert count >= 1
    assert numbered(masked) == numbered(file)


def test_an_aws_secret_access_key_is_masked_in_place(tmp_path: Path) -> None:
    base = "[default]\nregion = eu-west-1\n"
    head = f"[default]\nregion = eu-west-1\naws_secret_access_key = {AWS_SECRET}\n"
    file = git_diff(tmp_path, ".aws/credentials", base, head)
    masked, count = mask_file(file)
    assert count == 1
    (added,) = [line for _, line in masked.lines() if line.kind is LineKind.ADDED]
    assert added.text == "aws_secret_access_key = [REDACTED:aws-secret-access-key]"
    assert added.new_no == 3
    assert numbered(masked) == numbered(file)


def test_a_secret_in_a_hunk_heading_is_masked(tmp_path: Path) -> None:
    # Git heads a hunk with the nearest line above it that starts with a letter: here, the
    # line holding the key, which the hunk itself does not show.
    base = f'API_KEY = "{AWS_SECRET}"\n' + "".join(f"    step_{i}()\n" for i in range(20))
    head = base.replace("    step_15()", "    step_15(retry=True)")
    file = git_diff(tmp_path, "jobs.py", base, head)
    assert AWS_SECRET in file.hunks[0].section
    masked, count = mask_file(file)
    assert AWS_SECRET not in masked.hunks[0].section
    assert masked.hunks[0].section.startswith('API_KEY = "[REDACTED')
    assert count == 1


def test_a_key_line_as_a_hunk_heading_is_masked(tmp_path: Path) -> None:
    # The heading is the nearest line above the hunk that starts with a letter: a line of
    # key material, when the hunk starts just below a key.
    key = _rsa()
    base = f'KEY = """\n{key}"""\n\n\n\nflag = False\n'
    file = git_diff(tmp_path, "keys.py", base, base.replace("False", "True"))
    heading = file.hunks[0].section
    assert heading in body(key)
    masked, count = mask_file(file)
    assert masked.hunks[0].section == "[REDACTED:private-key]"
    assert (
        leaked(key, "\n".join([masked.hunks[0].section, *(ln.text for _, ln in masked.lines())]))
        == []
    )
    assert count == 1


def test_a_file_without_secrets_is_returned_as_is(tmp_path: Path) -> None:
    file = git_diff(tmp_path, "app.py", "x = 1\n", "x = 2\n")
    assert mask_file(file) == (file, 0)
    assert mask_file(file)[0] is file


# -- properties -------------------------------------------------------------------------------


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_masking_keeps_every_line_and_is_stable(text: str) -> None:
    masked, count = mask_secrets(text)
    assert masked.count("\n") == text.count("\n")
    assert (masked == text) == (count == 0)
    assert mask_secrets(masked)[0] == masked  # what is masked stays masked, once


CODE = st.text(alphabet=st.sampled_from(" ()[]{}.,;:=+-#abcxyzXYZ019_\"'"), max_size=30)


@given(st.sampled_from(SAMPLES), CODE, CODE)
def test_a_secret_in_any_surroundings_never_survives(
    sample: Sample, before: str, after: str
) -> None:
    line = f"{before} {sample.line} {after}"
    masked, count = mask_secrets(line, sample.path)
    assert sample.secret not in masked, masked
    assert count >= 1


@pytest.mark.parametrize(
    ("line", "password"),
    [
        # detect-secrets' basic-auth pattern stops at these characters and missed them.
        ("DB = 'postgres://admin:hunter2!@db.internal/prod'", "hunter2!"),
        ("url: mysql://root:S3cr3t*Pass@10.0.0.5/app", "S3cr3t*Pass"),
        ("postgres://admin:Xk9#mP2vLq8z@db.example/x", "Xk9#mP2vLq8z"),
        ("CACHE=redis://:pa$$w0rd@cache:6379/0", "pa$$w0rd"),
    ],
)
def test_a_password_in_a_url_is_masked_whatever_its_characters(line: str, password: str) -> None:
    masked, count = mask_secrets(line, "app.py")
    assert password not in masked and count >= 1


@pytest.mark.parametrize(
    "line", ["see https://example.com/a@b", "git@github.com:org/repo.git", "https://user@host/x"]
)
def test_urls_without_a_password_are_left_alone(line: str) -> None:
    assert mask_secrets(line, "app.py") == (line, 0)
