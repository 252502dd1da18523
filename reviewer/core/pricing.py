"""Token prices, for the cost estimate shown in the summary and outputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from reviewer.core.report import Usage


@dataclass(frozen=True, slots=True)
class Pricing:
    """USD per million tokens."""

    input: float
    output: float
    cached_input: float

    def cost(self, usage: Usage) -> float:
        uncached = max(usage.prompt_tokens - usage.cached_tokens, 0)
        return (
            uncached * self.input
            + usage.cached_tokens * self.cached_input
            + usage.completion_tokens * self.output
        ) / 1_000_000


# Public list prices (USD per 1M tokens), longest matching prefix wins. Override with the
# `pricing` input for other models, providers or negotiated prices.
PRICES: Mapping[str, Pricing] = MappingProxyType(
    {
        "gpt-4.1-nano": Pricing(0.10, 0.40, 0.025),
        "gpt-4.1-mini": Pricing(0.40, 1.60, 0.10),
        "gpt-4.1": Pricing(2.00, 8.00, 0.50),
        "gpt-4o-mini": Pricing(0.15, 0.60, 0.075),
        "gpt-4o": Pricing(2.50, 10.00, 1.25),
        "o4-mini": Pricing(1.10, 4.40, 0.275),
        "o3": Pricing(2.00, 8.00, 0.50),
        "gpt-5-nano": Pricing(0.05, 0.40, 0.005),
        "gpt-5-mini": Pricing(0.25, 2.00, 0.025),
        "gpt-5": Pricing(1.25, 10.00, 0.125),
    }
)


def price_for(model: str, override: Pricing | None = None) -> Pricing | None:
    if override is not None:
        return override
    bare = model.rsplit("/", 1)[-1].lower()
    matches = [prefix for prefix in PRICES if bare.startswith(prefix)]
    return PRICES[max(matches, key=len)] if matches else None
