from hypothesis import given
from hypothesis import strategies as st

from reviewer.core.secrets_mask import mask_secrets

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


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_masking_never_lengthens_text_or_moves_lines(text: str) -> None:
    masked, _ = mask_secrets(text)
    assert len(masked) <= len(text) or "PRIVATE KEY" in text
    assert masked.count("\n") == text.count("\n")
