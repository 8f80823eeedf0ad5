"""Mutants of one Python module: small wrong edits (< for <=, and for or, 1 for 0, a dropped call).

Each mutant replaces one span of the source with the edited node, so the rest of the file,
its comments and line numbers stay as they were. The operators are mutmut's, plus a few that
fit this code: a regular expression loses one alternative or one optional part, a condition is
negated, a statement is dropped. Not mutated: docstrings, type annotations, imports, asserts
(they only narrow types here) and code under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass
from typing import Iterator

_BINARY = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
    ast.Mod: ast.Div, ast.Pow: ast.Mult, ast.LShift: ast.RShift, ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.BitXor: ast.BitAnd,
}
_COMPARE = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
# Functions and methods whose twin does the opposite, or the same thing from the other end.
_TWINS = {
    "min": "max", "max": "min", "any": "all", "all": "any",
    "startswith": "endswith", "endswith": "startswith", "removeprefix": "removesuffix",
    "removesuffix": "removeprefix", "lstrip": "rstrip", "rstrip": "lstrip", "find": "rfind",
    "rfind": "find", "split": "rsplit", "rsplit": "split", "upper": "lower", "lower": "upper",
}


@dataclass(frozen=True)
class Mutant:
    """One edit of a module: the span it replaces (1-based lines, character columns) and the new text."""

    path: str
    number: int
    operator: str
    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str
    function: str  # the qualified name of the function it is in, "" at module level

    def apply(self, source: str) -> str:
        """The module's source with this edit made."""
        lines = source.splitlines(keepends=True)
        start = sum(map(len, lines[: self.line - 1])) + self.column
        end = sum(map(len, lines[: self.end_line - 1])) + self.end_column
        return source[:start] + self.replacement + source[end:]

    def diff(self, source: str) -> tuple[str, str]:
        """The first line the edit touches, before and after (stripped): how a person reads the mutant."""
        before = source.splitlines()[self.line - 1]
        after = self.apply(source).splitlines()[self.line - 1]
        return before.strip(), after.strip()

    @property
    def key(self) -> str:
        return f"{self.path}#{self.number}"


def mutants(path: str, source: str, functions: tuple[str, ...] = ()) -> list[Mutant]:
    """Every mutant of a module, in source order; with `functions`, only those inside them."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    found: list[Mutant] = []
    for node, function, edited, operator in _Walker(tree).edits():
        if functions and not any(function == f or function.startswith(f + ".") for f in functions):
            continue
        line, column = node.lineno, _column(lines, node.lineno, node.col_offset)
        end_line, end_column = node.end_lineno, _column(lines, node.end_lineno, node.end_col_offset)
        if ast.dump(edited) == ast.dump(node):
            continue
        text = ast.unparse(edited)
        if isinstance(node, ast.expr) and not isinstance(edited, ast.Name):
            text = f"({text})"
        mutant = Mutant(path, len(found) + 1, operator, line, column, end_line, end_column, text, function)
        try:
            compile(mutant.apply(source), path, "exec")
        except SyntaxError:
            continue  # an edit that is no longer Python (a pattern edited into nonsense) tests nothing
        found.append(mutant)
    return found


def _column(lines: list[str], line: int, byte_offset: int) -> int:
    """ast counts columns in UTF-8 bytes; the source is sliced in characters."""
    return len(lines[line - 1].encode()[:byte_offset].decode())


class _Walker:
    """Finds the nodes to edit, with the function each is in, skipping what is never mutated."""

    def __init__(self, tree: ast.Module):
        self.tree = tree

    def edits(self) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        yield from self._body(self.tree.body, "")

    def _body(self, body: list[ast.stmt], scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        for index, stmt in enumerate(body):
            if index == 0 and _is_docstring(stmt):
                continue
            yield from self._statement(stmt, scope)

    def _statement(self, stmt: ast.stmt, scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Assert, ast.Global, ast.Nonlocal, ast.Pass)):
            return
        if isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
            return
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{scope}.{stmt.name}" if scope else stmt.name
            for default in (*stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d is not None)):
                yield from self._expression(default, name)
            for decorator in stmt.decorator_list:
                yield from self._expression(decorator, name)
            yield from self._body(stmt.body, name)
            return
        if isinstance(stmt, ast.ClassDef):
            name = f"{scope}.{stmt.name}" if scope else stmt.name
            yield from self._body(stmt.body, name)
            return
        yield from self._statement_edits(stmt, scope)
        for field, value in ast.iter_fields(stmt):
            if field in ("annotation", "returns", "type_comment"):
                continue
            if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)) and field in ("targets", "target"):
                continue
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield from self._body_no_docstring(value, scope)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        yield from self._child(item, scope)
            elif isinstance(value, ast.AST):
                yield from self._child(value, scope)

    def _body_no_docstring(self, body: list[ast.stmt], scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        for stmt in body:
            yield from self._statement(stmt, scope)

    def _child(self, node: ast.AST, scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        if isinstance(node, ast.expr):
            yield from self._expression(node, scope)
        elif isinstance(node, ast.stmt):
            yield from self._statement(node, scope)
        elif isinstance(node, ast.ExceptHandler):
            if node.type is not None:
                yield from self._expression(node.type, scope)
            yield from self._body_no_docstring(node.body, scope)
        elif isinstance(node, (ast.withitem, ast.keyword, ast.comprehension, ast.match_case)):
            for field, value in ast.iter_fields(node):
                if field in ("target", "optional_vars", "arg"):
                    continue
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, ast.AST):
                        yield from self._child(item, scope)
            if isinstance(node, ast.comprehension):
                for test in node.ifs:
                    yield from self._negated(test, scope)

    def _statement_edits(self, stmt: ast.stmt, scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            yield stmt, scope, ast.Pass(), "drop call"
        elif isinstance(stmt, ast.Continue):
            yield stmt, scope, ast.Break(), "continue→break"
        elif isinstance(stmt, ast.Break):
            yield stmt, scope, ast.Continue(), "break→continue"
        elif isinstance(stmt, ast.Return) and stmt.value is not None and not _is_none(stmt.value):
            yield stmt, scope, ast.Return(ast.Constant(None)), "return None"
        elif isinstance(stmt, ast.Assign) and not _is_none(stmt.value) and scope:
            yield stmt, scope, ast.Assign(stmt.targets, ast.Constant(None), lineno=0), "assign None"
        elif isinstance(stmt, ast.AugAssign) and type(stmt.op) in _BINARY:
            edited = copy.copy(stmt)
            edited.op = _BINARY[type(stmt.op)]()
            yield stmt, scope, edited, "augmented operator"
        elif isinstance(stmt, (ast.If, ast.While)) and not _is_type_checking(stmt.test):
            yield from self._negated(stmt.test, scope)

    def _negated(self, test: ast.expr, scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        # A compare or a boolean operator has its own mutants; a plain truth test is negated.
        if not isinstance(test, (ast.Compare, ast.BoolOp, ast.UnaryOp)):
            yield test, scope, ast.UnaryOp(ast.Not(), test), "negate condition"

    def _expression(self, node: ast.expr, scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        if isinstance(node, ast.JoinedStr):
            # Positions inside an f-string are not reliable in Python 3.11: the whole f-string is
            # replaced, once for each edit of an expression inside it.
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    for inner, _, edited, operator in self._expression(value.value, scope):
                        yield node, scope, _replaced(node, inner, edited), operator
            return
        yield from self._expression_edits(node, scope)
        if isinstance(node, ast.IfExp):
            yield from self._negated(node.test, scope)
        if isinstance(node, ast.Lambda):
            yield from self._expression(node.body, scope)
            return
        for field, value in ast.iter_fields(node):
            if isinstance(node, ast.Call) and field == "func" and isinstance(value, ast.Name):
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, ast.AST):
                    yield from self._child(item, scope)

    def _expression_edits(self, node: ast.expr, scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            edited = copy.copy(node)
            edited.op = _BINARY[type(node.op)]()
            yield node, scope, edited, "binary operator"
        elif isinstance(node, ast.Compare):
            for index, op in enumerate(node.ops):
                if type(op) in _COMPARE:
                    edited = copy.copy(node)
                    edited.ops = [*node.ops[:index], _COMPARE[type(op)](), *node.ops[index + 1 :]]
                    yield node, scope, edited, "comparison"
        elif isinstance(node, ast.BoolOp):
            swapped = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            for index in range(1, len(node.values)):
                # a and b and c → (a and b) or c …: one operator at a time.
                left = ast.BoolOp(node.op, node.values[:index]) if index > 1 else node.values[0]
                right = ast.BoolOp(node.op, node.values[index:]) if len(node.values) - index > 1 else node.values[index]
                yield node, scope, ast.BoolOp(swapped, [left, right]), "and↔or"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub, ast.Invert)):
            yield node, scope, node.operand, "drop unary operator"
        elif isinstance(node, ast.Constant):
            yield from self._constant_edits(node, scope)
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            on_re = isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
            if name in _TWINS and not on_re:
                edited = copy.copy(node)
                if isinstance(node.func, ast.Name):
                    edited.func = ast.Name(_TWINS[name], ast.Load())
                else:
                    edited.func = ast.Attribute(node.func.value, _TWINS[name], ast.Load())
                yield node, scope, edited, f"{name}→{_TWINS[name]}"
            if _is_regex_call(node) and node.args and isinstance(node.args[0], ast.Constant):
                pattern = node.args[0].value
                if isinstance(pattern, str):
                    for edited_pattern, operator in _regex_edits(pattern):
                        yield node.args[0], scope, ast.Constant(edited_pattern), operator

    def _constant_edits(self, node: ast.Constant, scope: str) -> Iterator[tuple[ast.AST, str, ast.AST, str]]:
        value = node.value
        if isinstance(value, bool):
            yield node, scope, ast.Constant(not value), "boolean"
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield node, scope, ast.Constant(value + 1), "number"
        elif isinstance(value, str):
            yield node, scope, ast.Constant(f"XX{value}XX"), "string"


def _replaced(tree: ast.AST, old: ast.AST, new: ast.AST) -> ast.AST:
    """A copy of a tree with one of its nodes replaced; the tree itself is left as it was."""
    copies: dict[int, object] = {}
    clone = copy.deepcopy(tree, copies)
    target = copies[id(old)]

    class Replace(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            return copy.deepcopy(new) if node is target else super().visit(node)

    return Replace().visit(clone)


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_type_checking(test: ast.expr) -> bool:
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def _is_regex_call(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re" and func.attr in (
        "compile", "match", "search", "fullmatch", "sub", "split", "findall", "finditer"
    )


def _regex_edits(pattern: str) -> Iterator[tuple[str, str]]:
    """A pattern with one alternative dropped (增加|减少 → 减少), or one optional part required."""
    depth_stack: list[int] = []
    groups: dict[int, list[int]] = {}  # the start of a group (-1: the whole) → positions of its |
    for position, char in _syntax(pattern):
        if char == "(":
            depth_stack.append(position)
        elif char == ")" and depth_stack:
            depth_stack.pop()
        elif char == "|":
            groups.setdefault(depth_stack[-1] if depth_stack else -1, []).append(position)
        elif char == "?" and position > 0 and pattern[position - 1] not in "*+?}(" and not _is_group_flag(pattern, position):
            yield pattern[:position] + pattern[position + 1 :], "regex: optional part required"
    for start, bars in groups.items():
        end = _group_end(pattern, start)
        body_start = start + 1 if start >= 0 else 0
        body_start = _after_group_prefix(pattern, body_start) if start >= 0 else body_start
        bounds = [body_start, *(bar + 1 for bar in bars)]
        ends = [*bars, end]
        for left, right in zip(bounds, ends):
            # Drop the alternative and one bar beside it.
            if right < end:
                yield pattern[:left] + pattern[right + 1 :], "regex: alternative dropped"
            else:
                yield pattern[: left - 1] + pattern[right:], "regex: alternative dropped"


def _syntax(pattern: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """The pattern's characters from `start` that are syntax: not escaped, not inside a [class]."""
    escaped = in_class = False
    for position in range(start, len(pattern)):
        char = pattern[position]
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            yield position, char


def _is_group_flag(pattern: str, position: int) -> bool:
    return pattern[position - 1] == "(" or (position > 1 and pattern[position - 2 : position] == "(?")


def _after_group_prefix(pattern: str, start: int) -> int:
    """Where a group's body starts: after (?:, (?P<name>, (?=, (?!, (?<=, (?<!."""
    match = re.match(r"\?(?::|P<\w+>|=|!|<=|<!)", pattern[start:])
    return start + match.end() if match else start


def _group_end(pattern: str, start: int) -> int:
    """The position of the ) that closes the group opened at `start` (the pattern's end for -1)."""
    if start < 0:
        return len(pattern)
    depth = 0
    for position, char in _syntax(pattern, start):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
    return len(pattern)
