"""Builders for core objects in unit tests."""

from __future__ import annotations

from typing import Any

from reviewer.core.anchoring import AnchoredFinding, anchor_finding
from reviewer.core.commentable import CommentableIndex
from reviewer.core.diff import parse_diff
from reviewer.core.findings import Finding

DIFF = """\
diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -1,3 +1,5 @@
 import os
+x = eval(input())
+password = "hunter2"
 y = 2
-z = 3
+z = 4
"""


def index() -> CommentableIndex:
    return CommentableIndex.build(parse_diff(DIFF))


def finding(**overrides: Any) -> Finding:
    data: dict[str, Any] = {
        "path": "app.py",
        "line": 2,
        "start_line": None,
        "side": "RIGHT",
        "severity": "critical",
        "category": "security",
        "title": "eval of user input",
        "body": "Never eval input.",
        "quote": "x = eval(input())",
        "suggestion": None,
    }
    data.update(overrides)
    return Finding.model_validate(data)


def anchored(**overrides: Any) -> AnchoredFinding:
    return anchor_finding(finding(**overrides), index())
