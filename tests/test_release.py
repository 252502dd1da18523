"""scripts/release.py: the logic of a release, which can only run for real on GitHub.

A release tag points at a commit whose action.yml runs the published image; the
development branch keeps building from the Dockerfile. These tests make such a commit in
a scratch repository and check it the way the release workflow does.
"""

from __future__ import annotations

import datetime
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from action_runner import run_in_process
from fakes.git_repo import GIT_ENV, GitRepo
from paths import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import release
import release_files

Version, ReleaseError = release_files.Version, release_files.ReleaseError
RELEASE_FILES = ("action.yml", "pyproject.toml", "reviewer/__init__.py", "CHANGELOG.md")
ACTION_YML = (ROOT / "action.yml").read_text(encoding="utf-8")
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def reader(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda path: files[path]


def real_files() -> dict[str, str]:
    return {name: (ROOT / name).read_text(encoding="utf-8") for name in RELEASE_FILES}


def released(version: str, repository: str = "Acme/Reviewer") -> dict[str, str]:
    """The four files as they are at a release tag, made from this tree's files."""
    files = real_files()
    v = Version.parse(version)
    files.update(release_files.set_versions(reader(files), v))
    files["CHANGELOG.md"] = release_files.release_changelog(CHANGELOG, v, datetime.date(2026, 1, 2))
    files["action.yml"] = release_files.pin_image(
        ACTION_YML, release_files.image_ref(repository, v)
    )
    return files


# --- this tree ----------------------------------------------------------------------------


def test_the_declared_versions_agree() -> None:
    versions = release_files.declared_versions(reader(real_files()))
    assert len(set(versions.values())) == 1, versions
    Version.parse(versions["pyproject.toml"])  # semantic versioning


def test_the_version_flag_prints_the_version(tmp_path: Path) -> None:
    code, stdout, _, _ = run_in_process(["--version"], {}, cwd=tmp_path)
    version = release_files.declared_versions(reader(real_files()))["pyproject.toml"]
    assert (code, stdout) == (0, f"reviewer {version}\n")


def test_the_development_branch_builds_from_the_dockerfile() -> None:
    assert release_files.runs_image(ACTION_YML) == "Dockerfile"


def test_the_changelog_has_an_unreleased_section() -> None:
    sections = release_files.changelog_sections(CHANGELOG)
    assert "Unreleased" in sections


# --- pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1.2", "v1.2.3-rc.1", "01.2.3", "1.2.3.4", "latest", ""])
def test_only_plain_semantic_versions_are_released(text: str) -> None:
    with pytest.raises(ReleaseError, match=re.escape("MAJOR.MINOR.PATCH")):
        Version.parse(text)


def test_versions_order_numerically() -> None:
    assert Version.parse("v1.10.0") > Version.parse("1.9.9")
    assert Version.parse("v2.0.1").tag == "v2.0.1"


def test_pinning_changes_only_the_image_line() -> None:
    ref = release_files.image_ref("Acme/Reviewer", Version.parse("1.2.0"))
    assert ref == "docker://ghcr.io/acme/reviewer:v1.2.0"  # GHCR names are lower-case
    pinned = release_files.pin_image(ACTION_YML, ref)
    assert yaml.safe_load(pinned)["runs"] == {"using": "docker", "image": ref}
    changed = [
        (a, b) for a, b in zip(ACTION_YML.splitlines(), pinned.splitlines(), strict=True) if a != b
    ]
    assert changed == [("  image: Dockerfile", f"  image: {ref}")]


def test_only_the_image_under_runs_is_read_and_pinned() -> None:
    text = """\
name: x
inputs:
  image:
    description: "an input named image"
    default: Dockerfile
runs:
  # the container
  using: 'docker'
  image: "Dockerfile"   # built on the development branch
  args: []
"""
    assert release_files.runs_image(text) == "Dockerfile"
    pinned = release_files.pin_image(text, "docker://ghcr.io/a/b:v1.0.0")
    assert yaml.safe_load(pinned)["runs"]["image"] == "docker://ghcr.io/a/b:v1.0.0"
    assert yaml.safe_load(pinned)["inputs"]["image"]["default"] == "Dockerfile"
    assert "# built on the development branch" in pinned
    with pytest.raises(ReleaseError, match="Docker image"):
        release_files.runs_image("runs:\n  using: node24\n  main: index.js\n")


def test_preparing_moves_the_unreleased_notes_under_the_version() -> None:
    v = Version.parse("1.0.0")
    unreleased = release_files.changelog_sections(CHANGELOG)["Unreleased"][1]
    prepared = release_files.release_changelog(CHANGELOG, v, datetime.date(2026, 1, 2))
    sections = release_files.changelog_sections(prepared)
    assert sections["Unreleased"] == (None, "")
    assert sections["1.0.0"] == ("2026-01-02", unreleased)
    assert release_files.release_notes(prepared, v) == unreleased
    with pytest.raises(ReleaseError, match="already has a section"):
        release_files.release_changelog(prepared, v, datetime.date(2026, 1, 3))
    with pytest.raises(ReleaseError, match="empty: nothing to release"):
        release_files.release_changelog(prepared, Version.parse("1.0.1"), datetime.date(2026, 1, 3))


def test_notes_stop_at_the_next_section_and_at_link_definitions() -> None:
    text = (
        "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-02-01\n\n- B\n\n"
        "## [1.0.0] - 2026-01-01\n\n- A\n\n[1.1.0]: https://example.invalid/compare\n"
    )
    assert release_files.release_notes(text, Version.parse("1.1.0")) == "- B"
    assert release_files.release_notes(text, Version.parse("1.0.0")) == "- A"
    with pytest.raises(ReleaseError, match=re.escape("no notes for 1.2.0")):
        release_files.release_notes(text, Version.parse("1.2.0"))
    with pytest.raises(ReleaseError, match="needs a date"):
        release_files.release_notes("## [2.0.0]\n\n- C\n", Version.parse("2.0.0"))


@pytest.mark.parametrize(
    ("version", "tags", "expected"),
    [
        ("1.0.0", [], "v1"),
        ("1.2.0", ["v1", "v1.0.0", "v1.1.0", "v2.0.0"], "v1"),
        ("1.1.1", ["v1", "v1.0.0", "v1.2.0"], None),  # a fix to an older minor: v1 stays
        ("2.0.0", ["v1", "v1.9.0"], "v2"),
        ("1.3.0", ["v1.3.0", "release-1.9.0", "1.9.0"], "v1"),  # only vX.Y.Z tags count
    ],
)
def test_the_major_tag_moves_only_forward(version: str, tags: list[str], expected: str) -> None:
    assert release.major_tag(Version.parse(version), tags) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/Acme/Reviewer.git",
        "https://github.com/Acme/Reviewer",
        "git@github.com:Acme/Reviewer.git",
        "ssh://git@github.com/Acme/Reviewer/",
    ],
)
def test_the_repository_is_read_from_the_remote(url: str) -> None:
    assert release.repository_from_remote(url) == "Acme/Reviewer"


# --- the tag, checked as the workflow checks it ---------------------------------------------


def test_a_release_tag_passes_the_check() -> None:
    version, image, notes = release.check_release(
        reader(released("1.0.0")), "v1.0.0", "Acme/Reviewer"
    )
    assert (str(version), image) == ("1.0.0", "ghcr.io/acme/reviewer")
    assert notes.startswith("### Added")


@pytest.mark.parametrize(
    ("tag", "change", "message"),
    [
        ("1.0.0", {}, "release tags are v1.0.0"),
        ("v1.0.1", {}, "says 1.0.0, the tag says 1.0.1"),
        ("v1.0.0", {"action.yml": ACTION_YML}, "runs 'Dockerfile'"),
        ("v1.0.0", {"CHANGELOG.md": CHANGELOG}, "no notes for 1.0.0"),
    ],
)
def test_a_tag_that_is_not_a_release_commit_fails_the_check(
    tag: str, change: dict[str, str], message: str
) -> None:
    files = {**released("1.0.0"), **change}
    with pytest.raises(ReleaseError, match=re.escape(message)):
        release.check_release(reader(files), tag, "Acme/Reviewer")


def test_an_image_of_another_repository_fails_the_check() -> None:
    with pytest.raises(ReleaseError, match=re.escape("docker://ghcr.io/fork/reviewer:v1.0.0")):
        release.check_release(reader(released("1.0.0")), "v1.0.0", "Fork/Reviewer")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    for name, value in GIT_ENV.items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    repo = GitRepo(tmp_path / "repo")
    for name in RELEASE_FILES:
        (repo.root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo.root / name)
    repo.commit("main")
    repo.git("remote", "add", "origin", "git@github.com:Acme/Reviewer.git")
    return repo


def test_prepare_tag_and_check_end_to_end(
    scratch: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scratch.root
    assert release.main(["prepare", "1.0.0", "--date", "2026-01-02"], root=root) == 0
    main_head = scratch.commit("Prepare 1.0.0")
    assert release.main(["tag", "1.0.0"], root=root) == 0
    assert "git push origin v1.0.0" in capsys.readouterr().out

    # The tag is a commit of its own on top of main; main and the work tree are untouched.
    tagged = scratch.git("rev-parse", "v1.0.0^{commit}").strip()
    assert scratch.git("rev-parse", f"{tagged}^").strip() == main_head
    assert scratch.git("rev-parse", "HEAD").strip() == main_head
    assert scratch.git("status", "--porcelain") == ""
    assert release_files.runs_image((root / "action.yml").read_text()) == "Dockerfile"
    changed = scratch.git("diff", "--name-only", main_head, "v1.0.0").split()
    assert changed == ["action.yml"]

    def at_tag(path: str) -> str:
        return scratch.git("show", f"v1.0.0:{path}")

    version, image, _ = release.check_release(at_tag, "v1.0.0", "Acme/Reviewer")
    assert (str(version), image) == ("1.0.0", "ghcr.io/acme/reviewer")
    assert scratch.git("cat-file", "-t", "v1.0.0").strip() == "tag"  # annotated

    # What the release workflow runs in a checkout of the tag.
    scratch.git("checkout", "-q", "v1.0.0")
    capsys.readouterr()
    assert release.main(["check", "v1.0.0", "--repository", "Acme/Reviewer"], root=root) == 0
    assert capsys.readouterr().out == "version=1.0.0\nimage=ghcr.io/acme/reviewer\ntag=v1.0.0\n"
    assert release.main(["notes", "1.0.0"], root=root) == 0
    assert capsys.readouterr().out.startswith("### Added\n")
    scratch.git("checkout", "-q", "main")

    # Tagging again, or tagging an unprepared version, is refused with a reason.
    assert release.main(["tag", "1.0.0"], root=root) == 1
    assert "exists already" in capsys.readouterr().err
    assert release.main(["tag", "1.1.0"], root=root) == 1
    assert "run scripts/release.py prepare 1.1.0" in capsys.readouterr().err


def test_prepare_refuses_a_version_that_is_not_newer(
    scratch: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    current = release_files.declared_versions(reader(real_files()))["pyproject.toml"]
    assert release.main(["prepare", current], root=scratch.root) == 1
    assert "is not after the current version" in capsys.readouterr().err
