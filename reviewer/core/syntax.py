"""Syntax trees of source files (tree-sitter), for review context: the function or class
around a line, the names a range of lines defines and calls, where a name is defined or
called in a file. Languages without a grammar here get an indentation and brace heuristic
for the enclosing block, and no symbols.

tree-sitter and its grammars are imported on first use, never at import time: a run that
asks for no context never loads them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

# File suffix → grammar (module of the tree-sitter organisation's wheel, function).
GRAMMARS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        ".py": ("tree_sitter_python", "language"),
        ".pyi": ("tree_sitter_python", "language"),
        ".js": ("tree_sitter_javascript", "language"),
        ".jsx": ("tree_sitter_javascript", "language"),
        ".mjs": ("tree_sitter_javascript", "language"),
        ".cjs": ("tree_sitter_javascript", "language"),
        ".ts": ("tree_sitter_typescript", "language_typescript"),
        ".mts": ("tree_sitter_typescript", "language_typescript"),
        ".tsx": ("tree_sitter_typescript", "language_tsx"),
        ".go": ("tree_sitter_go", "language"),
        ".java": ("tree_sitter_java", "language"),
        ".rs": ("tree_sitter_rust", "language"),
        ".c": ("tree_sitter_c", "language"),
        ".h": ("tree_sitter_cpp", "language"),  # C headers parse as C++ well enough
        ".cc": ("tree_sitter_cpp", "language"),
        ".cpp": ("tree_sitter_cpp", "language"),
        ".cxx": ("tree_sitter_cpp", "language"),
        ".hpp": ("tree_sitter_cpp", "language"),
        ".hh": ("tree_sitter_cpp", "language"),
        ".cs": ("tree_sitter_c_sharp", "language"),
        ".rb": ("tree_sitter_ruby", "language"),
        ".php": ("tree_sitter_php", "language_php"),
    }
)

# Files whose symbols can refer to each other (a .c file calls what a .h declares).
FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({".py", ".pyi"}),
    frozenset({".js", ".jsx", ".mjs", ".cjs", ".ts", ".mts", ".tsx"}),
    frozenset({".go"}),
    frozenset({".java"}),
    frozenset({".rs"}),
    frozenset({".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh"}),
    frozenset({".cs"}),
    frozenset({".rb"}),
    frozenset({".php"}),
)

# Nodes that are a function, method or class-like block, in any of the grammars above.
SCOPES = frozenset(
    {
        "function_definition", "class_definition", "decorated_definition",  # Python, C, PHP
        "function_declaration", "generator_function_declaration", "method_definition",
        "class_declaration", "function_expression", "arrow_function", "class",  # JS/TS
        "interface_declaration", "enum_declaration", "abstract_class_declaration",
        "method_declaration", "func_literal", "type_declaration",  # Go
        "constructor_declaration", "record_declaration", "annotation_type_declaration",
        "function_item", "impl_item", "trait_item", "struct_item", "enum_item", "mod_item",
        "struct_specifier", "class_specifier", "namespace_definition", "union_specifier",
        "struct_declaration", "property_declaration", "namespace_declaration",  # C#
        "method", "singleton_method", "module", "singleton_class",  # Ruby
        "trait_declaration",  # PHP
    }
)  # fmt: skip
# Nodes that call something; the callee's name is the last identifier of `CALLEE` fields.
CALLS = frozenset(
    {
        "call", "call_expression", "method_invocation", "invocation_expression",
        "object_creation_expression", "new_expression", "function_call_expression",
        "member_call_expression", "scoped_call_expression", "nullsafe_member_call_expression",
        "macro_invocation",
    }
)  # fmt: skip
CALLEE_FIELDS = ("method", "function", "name", "constructor", "type", "macro")
IDENTIFIERS = frozenset(
    {
        "identifier", "property_identifier", "field_identifier", "type_identifier",
        "constant", "name", "shorthand_property_identifier",
    }
)  # fmt: skip
MAX_PARSE_BYTES = 1_000_000


def suffix_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def family_of(path: str) -> frozenset[str]:
    suffix = suffix_of(path)
    return next((family for family in FAMILIES if suffix in family), frozenset({suffix}))


@dataclass(frozen=True, slots=True)
class Span:
    """Lines `start`..`end` (1-based, inclusive) of a file, and what is there."""

    start: int
    end: int
    name: str = ""
    kind: str = ""

    @property
    def size(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True, slots=True)
class Outline:
    """What the parser found in one file."""

    scopes: tuple[Span, ...] = ()  # functions, methods, classes (nested ones too)
    calls: tuple[Span, ...] = ()  # one line each, `name` the callee
    parsed: bool = False  # False: no grammar (or too large); scopes are heuristic
    lines: tuple[str, ...] = field(default=(), repr=False)
    # The calls' lines, ascending (calls are in document order): `calls_in` bisects them.
    call_lines: tuple[int, ...] = field(default=(), repr=False)

    def enclosing(self, start: int, end: int) -> Span | None:
        """The smallest scope holding lines `start`..`end`."""
        holding = [s for s in self.scopes if s.start <= start and end <= s.end]
        if holding:
            return min(holding, key=lambda s: s.size)
        return None if self.parsed else heuristic_block(self.lines, start, end)

    def definitions(self, name: str) -> list[Span]:
        return [s for s in self.scopes if s.name == name]

    def defined_in(self, start: int, end: int) -> list[Span]:
        """Scopes overlapping the lines (what a change to them changes)."""
        return [s for s in self.scopes if s.name and s.start <= end and start <= s.end]

    def calls_in(self, start: int, end: int) -> list[Span]:
        return list(
            self.calls[bisect_left(self.call_lines, start) : bisect_right(self.call_lines, end)]
        )


@cache
def _parser(suffix: str) -> tuple[Any, Any] | None:
    """A tree-sitter parser for the suffix's grammar and the query finding its scopes and
    calls, or None (no grammar or no library)."""
    module_name, function = GRAMMARS.get(suffix, ("", ""))
    if not module_name:
        return None
    try:
        import importlib

        import tree_sitter

        module = importlib.import_module(module_name)
        language = tree_sitter.Language(getattr(module, function)())
        return tree_sitter.Parser(language), tree_sitter.Query(language, _query_source(language))
    except (ImportError, AttributeError, ValueError):
        return None


def _query_source(language: Any) -> str:
    """`[(kind) …] @scope` and `[(kind) …] @call` over the kinds this grammar has (a query
    naming a kind the grammar lacks does not compile). The query runs in tree-sitter's C
    code: walking every node in Python took most of a large diff's time."""
    parts = []
    for capture, kinds in (("scope", SCOPES), ("call", CALLS)):
        present = [k for k in sorted(kinds) if language.id_for_node_kind(k, True)]
        if present:
            parts.append("[" + " ".join(f"({k})" for k in present) + f"] @{capture}")
    return "\n".join(parts)


def outline(path: str, text: str, calls_on: Collection[int] | None = None) -> Outline:
    """`calls_on`: only the calls starting on these lines are wanted (a changed file's added
    lines); None: every call (a file searched for call sites)."""
    lines = tuple(text.splitlines())
    found = _parser(suffix_of(path)) if len(text) <= MAX_PARSE_BYTES else None
    if found is None:
        return Outline(lines=lines)
    parser, query = found
    import tree_sitter

    root = parser.parse(text.encode("utf-8", "surrogatepass")).root_node
    captured = tree_sitter.QueryCursor(query).captures(root)
    scopes = [
        Span(node.start_point[0] + 1, node.end_point[0] + 1, _name_of(node), node.type)
        for node in _in_order(captured.get("scope", []))
        if node.id != root.id  # the whole file (Python's `module`), not a scope in it
    ]
    calls: list[Span] = []
    for node in _in_order(captured.get("call", [])):
        if calls_on is not None and node.start_point[0] + 1 not in calls_on:
            continue
        callee = _callee(node)
        if callee:
            line = node.start_point[0] + 1
            calls.append(Span(line, line, callee, node.type))
    return Outline(tuple(scopes), tuple(calls), True, lines, tuple(c.start for c in calls))


def _in_order(nodes: list[Any]) -> list[Any]:
    """Document order, an enclosing node before the nodes inside it."""
    return sorted(nodes, key=lambda node: (node.start_byte, -node.end_byte))


def _text(node: Any) -> str:
    return bytes(node.text or b"").decode("utf-8", "replace")


# How far `_last_identifier` looks into a callee or name: real ones hold their identifier
# within a few nodes; a PR's `f()()()…` thousands deep must cost neither recursion nor
# quadratic time.
MAX_NAME_NODES = 16


def _last_identifier(node: Any) -> str:
    """The last identifier in `node`, depth first from its last child (`a.b.c` → `c`)."""
    stack = [node]
    for _ in range(MAX_NAME_NODES):
        if not stack:
            return ""
        current = stack.pop()
        if current.type in IDENTIFIERS:
            return _text(current)
        stack.extend(current.named_children)  # the last child is looked at first
    return ""


def _callee(node: Any) -> str:
    for name in CALLEE_FIELDS:
        child = node.child_by_field_name(name)
        if child is not None:
            if child.type in ("arguments", "argument_list"):
                continue
            return _last_identifier(child)
    return ""


def _name_of(node: Any) -> str:
    """The name a scope defines: its `name` field, a C declarator's identifier, or, for a
    function expression, the variable or property it is assigned to."""
    named = node.child_by_field_name("name")
    if named is not None:
        return _last_identifier(named) or _text(named)
    declarator = node.child_by_field_name("declarator")
    while declarator is not None:
        inner = declarator.child_by_field_name("declarator")
        if inner is None:
            return _last_identifier(declarator)
        declarator = inner
    if node.type == "decorated_definition":
        definition = node.child_by_field_name("definition")
        return _name_of(definition) if definition is not None else ""
    if node.type == "type_declaration":
        spec = next((c for c in node.named_children if c.type == "type_spec"), None)
        return _name_of(spec) if spec is not None else ""
    parent = node.parent
    if parent is not None and node.type in ("arrow_function", "function_expression", "class"):
        target = parent.child_by_field_name("name") or parent.child_by_field_name("left")
        if target is not None:
            return _last_identifier(target)
    return ""


def heuristic_block(lines: tuple[str, ...], start: int, end: int) -> Span | None:
    """For a language without a grammar: the block around lines `start`..`end`, from the
    nearest less indented line above (its opener) to the line that closes it (back to the
    opener's indentation: a `}`, `end` or the next statement), or None."""
    if not lines or start < 1 or end > len(lines):
        return None

    def indent(text: str) -> int:
        return len(text) - len(text.lstrip())

    inner = [indent(lines[n - 1]) for n in range(start, end + 1) if lines[n - 1].strip()]
    if not inner:
        return None
    level = min(inner)
    opener = next(
        (
            n
            for n in range(start - 1, 0, -1)
            if lines[n - 1].strip() and indent(lines[n - 1]) < level
        ),
        None,
    )
    if opener is None:
        return None
    base = indent(lines[opener - 1])
    close = end
    for n in range(end + 1, len(lines) + 1):
        text = lines[n - 1]
        if not text.strip():
            continue
        if indent(text) <= base:
            if text.strip()[0] in "})]" or text.strip().startswith("end"):
                close = n
            break
        close = n
    return Span(opener, close, "", "block")
