"""Reading a chunk's answer: what a completion's finish says about it, and the findings
validated the same way in every answer mode."""

from __future__ import annotations

from reviewer.core.findings import AnswerInvalid, ReviewAnswer, parse_review
from reviewer.errors import ModelError, TruncatedAnswer
from reviewer.model.answer_modes import AnswerMode, extract_json_object
from reviewer.model.completion import Completion


def read_answer(content: str, mode: AnswerMode) -> ReviewAnswer:
    """Validate an answer the same way in every mode; only plain text may wrap its JSON."""
    if not content.strip():
        raise AnswerInvalid("The answer was empty.")
    if mode.response_format() is None:
        content = extract_json_object(content)
    return parse_review(content)


def answer_text(completion: Completion, output_cap: int | None) -> str:
    """The completion's text, or why it is no review of its part: cut off at the output
    cap (split the part), refused, filtered, or a tool call instead of an answer."""
    if completion.finish_reason == "length":
        limit = f" ({output_cap:,} tokens)" if output_cap else ""
        raise TruncatedAnswer(f"The model's answer was cut off at its output limit{limit}.")
    if completion.refusal:
        raise ModelError(f"The model refused to review this part: {completion.refusal}")
    if completion.finish_reason == "content_filter":
        # What the filter let through may be cut anywhere: not a review of the part.
        raise ModelError(
            "The provider's content filter stopped the answer for this part "
            "(finish_reason: content_filter), so it was not reviewed.",
            hint="Review it with a model or deployment whose filter allows code review.",
        )
    if completion.finish_reason in ("tool_calls", "function_call") and not completion.content:
        raise ModelError(
            "The model answered with a tool call instead of the findings.",
            hint="Use a model that answers with text; reviewer sends no tools.",
        )
    return completion.content
