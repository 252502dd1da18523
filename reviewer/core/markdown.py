"""The one way hostile text reaches GitHub markdown: what the model or the PR's author wrote
(titles, explanations, file names, reasons) rendered inert.

Inert means: no HTML (tags and comments are escaped, so no forged marker either), no
entity GitHub would decode into a mention, no @mention or issue reference that notifies
anybody, no image that loads, no bidirectional-override or other control characters, no
code fence that opens a one-click ```suggestion or stays open to swallow what follows.
Code spans and fenced blocks from the model keep their text: markdown shows it literally.
"""

from __future__ import annotations

import re

# Trojan Source: characters that reorder how text is displayed (U+202A-U+202E, U+2066-U+2069,
# the marks U+200E, U+200F, U+061C); and C0 controls but tab and newline.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
# A code span of the model's: a run of backticks, content, the same run. Detected loosely:
# whatever is taken for one is written out as our own well-formed span, and the rest is
# escaped, so a span markdown would read differently cannot leave anything live.
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")
# GitHub links `@login` after any non-word character of the rendered text; markdown may
# strip what stood before it (`_@x_` is emphasis around `@x`), so only a letter or digit
# before the `@` (an e-mail address) leaves it as it is.
_MENTION = re.compile(r"(?<![A-Za-z0-9])@(?=[A-Za-z0-9])")
_ISSUE_REF = re.compile(r"(?<![\w&])#(?=\d)|\bGH-(?=\d)", re.IGNORECASE)
_COMMENT_OPEN = "<!--"
ZWSP = "\u200b"


def clean(text: str) -> str:
    """Without control and bidi characters; a lone surrogate (invalid in UTF-8) becomes U+FFFD."""
    text = _SURROGATE.sub("\ufffd", text)
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prose(text: str) -> str:
    """Markdown prose (no code) made inert; its emphasis, lists and links stay. Backticks and
    backslashes are escaped too: no code span can open here but the ones we write."""
    text = text.replace("\\", "\\\\").replace("`", "\\`")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("![", "!\\[")  # an image would load from anywhere
    text = _MENTION.sub("@" + ZWSP, text)
    return _ISSUE_REF.sub(lambda m: m.group(0) + ZWSP, text)


def _code(text: str) -> str:
    # Shown literally by markdown; only a marker's opening must not appear in our comment.
    return text.replace(_COMMENT_OPEN, "<!" + ZWSP + "--")


def _inline(text: str) -> str:
    """A paragraph's text: the model's code spans rewritten as spans nothing can close (so
    their `<`, `&` and `@` stay literal code), everything else escaped as prose."""
    out, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_prose(text[last : match.start()]))
        out.append(_span(match.group(2)))
        last = match.end()
    out.append(_prose(text[last:]))
    return "".join(out)


def _span(content: str) -> str:
    content = _code(content)
    ticks = "`"
    while ticks in content:
        ticks += "`"
    pad = " " if content.startswith("`") or content.endswith("`") or not content.strip() else ""
    return f"{ticks}{pad}{content}{pad}{ticks}"


# Text without any of these needs no escaping at all (most of a model's prose).
_SPECIAL = re.compile(
    r"[`~<>&@#!\\\[\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]|gh-",
    re.IGNORECASE,
)


def inert(text: str) -> str:
    """Model markdown (an explanation) made inert. Fenced blocks keep their code, lose any
    `suggestion` (or other) info string, and are closed at the end if the model left one
    open; the text between them is escaped paragraph by paragraph."""
    if not _SPECIAL.search(text.replace("\n", " ")):
        return text
    lines = clean(text).split("\n")
    out: list[str] = []
    paragraph: list[str] = []
    fence: tuple[str, int] | None = None  # (character, length) of the open fence

    def flush() -> None:
        if paragraph:
            out.append(_inline("\n".join(paragraph)))
            paragraph.clear()

    for line in lines:
        match = _FENCE.match(line)
        if fence is None and match:
            flush()
            marker = match.group(2)
            fence = (marker[0], len(marker))
            out.append(f"{match.group(1)}{marker}{_info(match.group(3))}")
        elif fence is not None:
            closing = match and match.group(2)[0] == fence[0] and len(match.group(2)) >= fence[1]
            if closing and match and not match.group(3).strip():
                out.append(line)
                fence = None
            else:
                out.append(_code(line))
        else:
            paragraph.append(line)
    flush()
    if fence is not None:
        out.append(fence[0] * fence[1])
    return "\n".join(out)


_INFO_WORD = re.compile(r"[A-Za-z0-9_+#.-]{1,30}")


def _info(info: str) -> str:
    """A fence's language, if it is a plain word; never `suggestion`."""
    word = info.strip().split(" ", 1)[0] if info.strip() else ""
    if not _INFO_WORD.fullmatch(word) or word.lower() == "suggestion" or "`" in info:
        return ""
    return word


def inert_line(text: str, limit: int = 200) -> str:
    """A one-line text (a title, a reason) made inert."""
    flat = one_line(text, limit)
    return flat if not _SPECIAL.search(flat) else _inline(flat)


def cell(markdown: str) -> str:
    """Markdown for a table cell: a `|` would end the cell, even inside a code span."""
    return markdown.replace("|", "\\|")


def code_span(text: str, limit: int = 300) -> str:
    """`text` as an inline code span that nothing in it can close: a file name, say."""
    return _span(one_line(_visible_controls(text), limit))


def _visible_controls(text: str) -> str:
    # A newline or tab in a file name is shown, not obeyed.
    return text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def fenced(code: str, info: str = "") -> str:
    """`code` in a fenced block that nothing in it can close."""
    code = _code(clean(code))
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}{info}\n{code}\n{fence}"
