"""The review-quality benchmark: real pull requests with known issues (see README.md)."""
