"""The model adapter: an OpenAI-compatible endpoint, and token counting with tiktoken."""
