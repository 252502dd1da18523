#!/usr/bin/env bash
# Regenerate requirements.lock (runtime) and requirements-dev.lock (runtime + dev extra)
# from pyproject.toml. Run after changing dependencies: bash scripts/lock.sh
# Existing pins are kept where still valid; to move everything to the newest versions:
#   bash scripts/lock.sh --upgrade        (or --upgrade-package NAME)
#
# One universal lock per file: it resolves for every Python >= 3.11 and every platform
# (markers only where a package really differs), so the same file installs in CI (3.11/3.12)
# and in the image (3.12). Always resolved against pypi.org, whatever pip/uv config is around,
# so the hashes are those of the files GitHub's runners and `docker build` will download.
set -euo pipefail
cd "$(dirname "$0")/.."

uv=$(command -v uv || true)
if [[ -z "$uv" && -x .venv/bin/uv ]]; then uv=.venv/bin/uv; fi
if [[ -z "$uv" ]]; then
  echo "uv not found: install the dev extra (pip install -r requirements-dev.lock) or 'pip install uv'" >&2
  exit 1
fi

compile() {
  "$uv" pip compile pyproject.toml \
    --universal --python-version 3.11 \
    --generate-hashes \
    --index-url https://pypi.org/simple --no-config \
    --custom-compile-command "bash scripts/lock.sh" \
    --quiet "$@"
}

compile -o requirements.lock "$@"
compile --extra dev -o requirements-dev.lock "$@"
echo "wrote requirements.lock and requirements-dev.lock"
