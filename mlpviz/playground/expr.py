"""Safe expressions in x and y typed by a user: ``parse("x^2 + 3*y^2")``.

A tokenizer and a recursive-descent parser build a small AST of frozen
dataclasses; nothing is ever handed to Python's ``eval``. Only numbers, x, y,
pi, e, + − * / ^ (also ** × ÷ and the Unicode minus), parentheses and a fixed
list of one-argument functions are accepted; anything else is refused with an
:class:`ExpressionError` naming the problem and its column.

Grammar (lowest precedence first; unary minus binds looser than ^, so
``-x^2`` is −(x²), and ^ is right-associative, so ``2^3^2`` is 2⁹)::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := ("+" | "-")* power
    power := atom ("^" unary)?
    atom  := number | x | y | pi | e | function "(" expr ")" | "(" expr ")"

Evaluation, differentiation and printing walk the tree iteratively (no
recursion), so an expression that passed the parser can never overflow the
stack later; the parser itself is bounded by the length and nesting limits.

This module holds the tokenizer, the parser and :func:`parse`; the tree is in
:mod:`mlpviz.playground.expr_tree`, and differentiation, printing and evaluation
(:class:`Expression`) in :mod:`mlpviz.playground.expr_calculus`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlpviz.playground.expr_calculus import (
    Expression,
)
from mlpviz.playground.expr_tree import (
    CONSTANTS,
    FUNCTIONS,
    VARIABLES,
    BinOp,
    Call,
    Const,
    Neg,
    Node,
    Num,
    Var,
)

__all__ = ["ALLOWED", "MAX_DEPTH", "MAX_LENGTH", "ExpressionError", "parse"]

MAX_LENGTH = 500
MAX_DEPTH = 100

ALLOWED = ", ".join([*VARIABLES, *CONSTANTS, *FUNCTIONS])
_SPELLINGS = {"**": "^", "×": "*", "÷": "/", "−": "-"}
_HINTS = {
    ",": " (functions here take one argument)",
    "[": " (indexing is not allowed)",
    "]": " (indexing is not allowed)",
    '"': " (text is not allowed)",
    "'": " (text is not allowed)",
    "=": " (type only the right-hand side, e.g. x^2 + y^2)",
}
_TOKEN = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*/^()×÷−])"
)


class ExpressionError(ValueError):
    """A refused expression; ``column`` (1-based) points at the problem when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


# -- tokenizer and parser -----------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # num, name, op, end
    text: str
    column: int


class _Tokens:
    """Tokens read on demand, so errors are reported in reading order (the first
    problem from the left), whether lexical ("unexpected ';'") or grammatical."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.read: list[_Token] = []

    def __getitem__(self, i: int) -> _Token:
        while len(self.read) <= i:
            self.read.append(self._next())
        return self.read[i]

    def _next(self) -> _Token:
        text = self.text
        while self.pos < len(text):
            m = _TOKEN.match(text, self.pos)
            if m is None:
                ch, col = text[self.pos], self.pos + 1
                raise ExpressionError(f"unexpected {ch!r} at column {col}{_HINTS.get(ch, '')}", col)
            start, self.pos = self.pos, m.end()
            if m.lastgroup != "ws":
                word = m.group()
                return _Token(m.lastgroup or "", _SPELLINGS.get(word, word), start + 1)
        return _Token("end", "", len(text) + 1)


def _nesting(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


class _Parser:
    def __init__(self, tokens: _Tokens) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0  # open groups and exponents: bounds the recursion

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at(self, *ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.text in ops

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"too deeply nested at column {tok.column} (at most {MAX_DEPTH} levels)", tok.column
            )

    def parse(self) -> Node:
        node = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            if tok.text == ")":
                raise ExpressionError(
                    f"unexpected ')' at column {tok.column}: no matching '('", tok.column
                )
            raise self.missing_operator(tok)
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.at("+", "-"):
            node = BinOp(self.take().text, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.at("*", "/"):
            node = BinOp(self.take().text, node, self.unary())
        return node

    def unary(self) -> Node:
        signs = []
        while self.at("+", "-"):
            signs.append(self.take().text)
        node = self.power()
        for sign in reversed(signs):  # a loop, not recursion: "------x" stays flat
            if sign == "-":
                node = Neg(node)
        return node

    def power(self) -> Node:
        base = self.atom()
        if not self.at("^"):
            return base
        tok = self.take()
        self.enter(tok)
        exponent = self.unary()
        self.depth -= 1
        return BinOp("^", base, exponent)

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return Num(float(tok.text))
        if tok.kind == "name":
            return self.name(tok)
        if tok.text == "(":
            return self.group(tok)
        if tok.kind == "end":
            prev = self.tokens[self.i - 2].text if self.i >= 2 else ""
            after = f" after '{prev}'" if prev else ""
            raise ExpressionError(
                f"the expression ends too early at column {tok.column}: expected a number, "
                f"x, y, a function or '('{after}",
                tok.column,
            )
        raise ExpressionError(
            f"unexpected '{tok.text}' at column {tok.column}: expected a number, x, y, "
            "a function or '('",
            tok.column,
        )

    def name(self, tok: _Token) -> Node:
        word = tok.text
        if word in VARIABLES:
            return Var(word)
        if word in CONSTANTS:
            return Const(word)
        if word in FUNCTIONS:
            opener = self.peek()
            if not self.at("("):
                raise ExpressionError(
                    f"expected '(' after '{word}' at column {opener.column}", opener.column
                )
            return Call(word, self.group(self.take()))
        raise self.unknown_name(tok)

    @staticmethod
    def unknown_name(tok: _Token) -> ExpressionError:
        guess = tok.text.lower()
        hint = f"; did you mean '{guess}'?" if guess in (*VARIABLES, *CONSTANTS, *FUNCTIONS) else ""
        return ExpressionError(
            f"unknown name '{tok.text}' at column {tok.column}; allowed: {ALLOWED}{hint}",
            tok.column,
        )

    def group(self, opener: _Token) -> Node:
        self.enter(opener)
        node = self.expr()
        tok = self.peek()
        if not self.at(")"):
            if tok.kind == "end":
                raise ExpressionError(
                    f"expected ')' at column {tok.column} to close '(' at column {opener.column}",
                    tok.column,
                )
            raise self.missing_operator(tok)
        self.take()
        self.depth -= 1
        return node

    def missing_operator(self, tok: _Token) -> ExpressionError:
        if tok.kind == "name" and tok.text not in (*VARIABLES, *CONSTANTS, *FUNCTIONS):
            return self.unknown_name(tok)  # the bigger problem: "x if y" is not "x*if"
        prev = self.tokens[self.i - 1].text
        if tok.text == "(" and prev in (*VARIABLES, *CONSTANTS):
            return ExpressionError(
                f"missing operator before '(' at column {tok.column} ({prev} is not a function)",
                tok.column,
            )
        example = f" (write {prev}*{tok.text})" if tok.kind in ("num", "name") else ""
        return ExpressionError(
            f"missing operator before '{tok.text}' at column {tok.column}{example}", tok.column
        )


def parse(text: str) -> Expression:
    """Parse a user's function of x and y, or raise :class:`ExpressionError`."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is too long: {len(text)} characters (at most {MAX_LENGTH})"
        )
    if not text.strip():
        raise ExpressionError("empty expression: type a function of x and y, e.g. x^2 + y^2")
    deepest = _nesting(text)
    if deepest > MAX_DEPTH:
        raise ExpressionError(
            f"too deeply nested: {deepest} levels of parentheses (at most {MAX_DEPTH})"
        )
    try:
        tree = _Parser(_Tokens(text)).parse()
    except RecursionError:  # pragma: no cover - the limits above should prevent it
        raise ExpressionError("the expression is too deeply nested") from None
    return Expression(text, tree)
