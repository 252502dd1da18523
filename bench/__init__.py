"""Benchmarks: `python -m bench` prints every table (see bench/__main__.py)."""

import os
from pathlib import Path

# Like the tests: count tokens exactly with the ready tiktoken cache beside the checkout.
_SHARED_TIKTOKEN = Path(__file__).resolve().parents[2] / "shared" / "tiktoken"
if _SHARED_TIKTOKEN.is_dir():
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(_SHARED_TIKTOKEN))
