FROM python:3.12-slim

# PYTHONSAFEPATH: `python -m reviewer` must not put the working directory on sys.path.
# The action runs in /github/workspace, the checked-out repository under review; without it,
# a `reviewer/` package there (this very repo, or a hostile pull request) would be imported
# instead of the installed one.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONSAFEPATH=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# Where tiktoken keeps its encodings, filled below at build time: no download at run time.
# (DL3064 only sees "TOKEN" in the name; this is a directory, not a secret.)
# hadolint ignore=DL3064
ENV TIKTOKEN_CACHE_DIR=/opt/tiktoken

WORKDIR /app

# git: reviewer routing reads the base branch's history from the workspace checkout
# (fetch-depth: 0), read-only; without git it falls back to GitHub's API. Debian's
# current git: its version is the image's, not pinned here.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, so this layer stays cached until the lock changes. Wheels only:
# the slim image has no compilers, and every locked package ships wheels.
# Then bake the tokenizer files (tiktoken checks their sha256 when it downloads them).
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r requirements.lock \
 && python -c "import tiktoken; tiktoken.get_encoding('o200k_base'); tiktoken.get_encoding('cl100k_base')"

# The package itself; pip byte-compiles what it installs.
COPY pyproject.toml README.md ./
COPY reviewer/ reviewer/
RUN pip install --no-cache-dir --no-deps .

# The release workflow passes the version (and the source repository and commit as labels),
# so `docker inspect` tells what an image is; the program reports its own with --version.
# Last, so a new version reuses every layer above.
ARG VERSION=dev
LABEL org.opencontainers.image.title="reviewer" \
      org.opencontainers.image.description="Reviews pull requests with an LLM and posts inline comments." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}"

# No USER: container actions run as root, in GitHub's own working directory (/github/workspace).
ENTRYPOINT ["/usr/local/bin/python", "-m", "reviewer"]
