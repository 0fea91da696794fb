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
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAX_LENGTH = 500
MAX_DEPTH = 100

FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
}
# Appears only in derivatives (d|u| = sign(u)·du); the user cannot type it.
_ALL_FUNCTIONS = {**FUNCTIONS, "sign": np.sign}
CONSTANTS = {"pi": math.pi, "e": math.e}
VARIABLES = ("x", "y")
ALLOWED = ", ".join([*VARIABLES, *CONSTANTS, *FUNCTIONS])

_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power}
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


# -- the tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Const:
    name: str

    @property
    def value(self) -> float:
        return CONSTANTS[self.name]


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str  # one of + - * / ^
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    func: str
    arg: Node


Node = Num | Var | Const | Neg | BinOp | Call


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, (Neg, Call)):
        return (node.operand if isinstance(node, Neg) else node.arg,)
    return ()


def postorder(*roots: Node) -> list[Node]:
    """Every distinct node object below ``roots``, children before parents.

    Iterative, and visiting each object once: derivative trees share
    subtrees, and walking them as trees could take exponential time.
    """
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(children(node)))
    return order


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


# -- building with light simplification (keeps derivatives readable) ------------------


def _num(node: Node, value: float) -> bool:
    return isinstance(node, Num) and node.value == value


def _fold(op: str, a: Node, b: Node) -> Node | None:
    if isinstance(a, Num) and isinstance(b, Num):
        with np.errstate(all="ignore"):
            v = float(_BINARY[op](np.float64(a.value), np.float64(b.value)))
        if math.isfinite(v):  # "inf" would not print back as a number
            return Num(v)
    return None


def add(a: Node, b: Node) -> Node:
    if _num(a, 0):
        return b
    if _num(b, 0):
        return a
    if isinstance(b, Neg):
        return sub(a, b.operand)
    return _fold("+", a, b) or BinOp("+", a, b)


def sub(a: Node, b: Node) -> Node:
    if _num(b, 0):
        return a
    if _num(a, 0):
        return neg(b)
    if isinstance(b, Neg):
        return add(a, b.operand)
    return _fold("-", a, b) or BinOp("-", a, b)


def mul(a: Node, b: Node) -> Node:
    if _num(a, 0) or _num(b, 0):
        return Num(0.0)
    if _num(a, 1):
        return b
    if _num(b, 1):
        return a
    if _num(a, -1) or _num(b, -1):
        return neg(b if _num(a, -1) else a)
    if isinstance(a, Neg) or isinstance(b, Neg):
        # Pull signs out: "-(2*x)" reads better than "2*-x" or "x*-1".
        return neg(mul(neg(a), b) if isinstance(a, Neg) else mul(a, neg(b)))
    if isinstance(b, Num) and not isinstance(a, Num):
        a, b = b, a  # numbers first ("2*x"); IEEE products commute exactly
    if isinstance(a, Num) and isinstance(b, BinOp) and b.op == "*" and isinstance(b.left, Num):
        folded = _fold("*", a, b.left)
        if folded is not None:
            return mul(folded, b.right)
    return _fold("*", a, b) or BinOp("*", a, b)


def div(a: Node, b: Node) -> Node:
    if _num(a, 0):
        return Num(0.0)
    if _num(b, 1):
        return a
    return _fold("/", a, b) or BinOp("/", a, b)


def power(a: Node, b: Node) -> Node:
    if _num(b, 1):
        return a
    if _num(b, 0):
        return Num(1.0)
    return _fold("^", a, b) or BinOp("^", a, b)


def neg(a: Node) -> Node:
    if isinstance(a, Num):
        return Num(-a.value)
    return a.operand if isinstance(a, Neg) else Neg(a)


# -- symbolic differentiation ---------------------------------------------------------


# d func(u) / du for each function (sign(u) appears only here: d|u| = sign(u)·du,
# which is 0 at the kink, a valid subgradient).
_DERIVATIVES: dict[str, Callable[[Node], Node]] = {
    "sin": lambda u: Call("cos", u),
    "cos": lambda u: neg(Call("sin", u)),
    "tan": lambda u: div(Num(1.0), power(Call("cos", u), Num(2.0))),
    "exp": lambda u: Call("exp", u),
    "log": lambda u: div(Num(1.0), u),
    "sqrt": lambda u: div(Num(1.0), mul(Num(2.0), Call("sqrt", u))),
    "abs": lambda u: Call("sign", u),
    "tanh": lambda u: sub(Num(1.0), power(Call("tanh", u), Num(2.0))),
    "sinh": lambda u: Call("cosh", u),
    "cosh": lambda u: Call("sinh", u),
    "sign": lambda u: Num(0.0),
}


def derivative(root: Node, var: str) -> Node:
    """∂root/∂var as a new tree (sharing subtrees with ``root``)."""
    d: dict[int, Node] = {}
    free: dict[int, frozenset[str]] = {}  # the variables each subtree depends on
    for node in postorder(root):
        if isinstance(node, Var):
            free[id(node)] = frozenset({node.name})
            d[id(node)] = Num(1.0 if node.name == var else 0.0)
            continue
        kids = children(node)
        free[id(node)] = frozenset().union(*(free[id(k)] for k in kids))
        if not kids:
            d[id(node)] = Num(0.0)
        elif isinstance(node, Neg):
            d[id(node)] = neg(d[id(node.operand)])
        elif isinstance(node, Call):
            d[id(node)] = mul(_DERIVATIVES[node.func](node.arg), d[id(node.arg)])
        else:
            u, v, du, dv = node.left, node.right, d[id(node.left)], d[id(node.right)]
            if node.op == "+":
                d[id(node)] = add(du, dv)
            elif node.op == "-":
                d[id(node)] = sub(du, dv)
            elif node.op == "*":
                d[id(node)] = add(mul(du, v), mul(u, dv))
            elif node.op == "/":
                if _num(dv, 0):
                    d[id(node)] = div(du, v)
                else:
                    d[id(node)] = div(sub(mul(du, v), mul(u, dv)), power(v, Num(2.0)))
            elif var not in free[id(v)]:
                # Power rule: keeps (−2)^2 differentiable, where u^v·log(u) would be nan.
                d[id(node)] = mul(mul(v, power(u, sub(v, Num(1.0)))), du)
            elif var not in free[id(u)]:
                d[id(node)] = mul(mul(node, Call("log", u)), dv)
            else:
                inner = add(mul(dv, Call("log", u)), div(mul(v, du), u))
                d[id(node)] = mul(node, inner)
    return d[id(root)]


# -- printing ---------------------------------------------------------------------------

_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}  # unary minus is 3, atoms 5


def _number_text(v: float) -> str:
    if math.isinf(v):
        return "1e999" if v > 0 else "-1e999"
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def to_text(root: Node) -> str:
    """Text that parses back to the same tree (parentheses only where needed)."""
    out: dict[int, tuple[str, int]] = {}
    for node in postorder(root):
        if isinstance(node, Num):
            text = _number_text(node.value)
            out[id(node)] = (text, 3 if text.startswith("-") else 5)
        elif isinstance(node, (Var, Const)):
            out[id(node)] = (node.name, 5)
        elif isinstance(node, Call):
            out[id(node)] = (f"{node.func}({out[id(node.arg)][0]})", 5)
        elif isinstance(node, Neg):
            text, prec = out[id(node.operand)]
            out[id(node)] = ("-" + (f"({text})" if prec < 3 else text), 3)
        else:
            prec = _PREC[node.op]
            (lt, lp), (rt, rp) = out[id(node.left)], out[id(node.right)]
            if node.op == "^":
                left = f"({lt})" if lp <= 4 else lt
                right = f"({rt})" if rp < 4 else rt
            else:
                left = f"({lt})" if lp < prec else lt
                right = f"({rt})" if rp <= prec else rt
            spaced = node.op in "+-"
            out[id(node)] = (
                f"{left} {node.op} {right}" if spaced else f"{left}{node.op}{right}",
                prec,
            )
    return out[id(root)][0]


# -- evaluation ---------------------------------------------------------------------------


class _Program:
    """A tree flattened into straight-line steps, each freeing values no longer needed."""

    def __init__(self, *roots: Node) -> None:
        nodes = postorder(*roots)
        slot = {id(n): i for i, n in enumerate(nodes)}
        self.steps = [(n, tuple(slot[id(c)] for c in children(n))) for n in nodes]
        self.outputs = [slot[id(r)] for r in roots]
        last_use: dict[int, int] = {}
        for i, (_, args) in enumerate(self.steps):
            for a in args:
                last_use[a] = i
        self.free: list[list[int]] = [[] for _ in nodes]
        for s, i in last_use.items():
            if s not in self.outputs:
                self.free[i].append(s)

    def run(self, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
        values: list = [None] * len(self.steps)
        with np.errstate(all="ignore"):
            for i, (node, args) in enumerate(self.steps):
                if isinstance(node, (Num, Const)):
                    v = np.float64(node.value)
                elif isinstance(node, Var):
                    v = x if node.name == "x" else y
                elif isinstance(node, Neg):
                    v = np.negative(values[args[0]])
                elif isinstance(node, Call):
                    v = _ALL_FUNCTIONS[node.func](values[args[0]])
                else:
                    v = _BINARY[node.op](values[args[0]], values[args[1]])
                values[i] = v
                for s in self.free[i]:
                    values[s] = None
        return [values[o] for o in self.outputs]


def _shaped(value, shape: tuple[int, ...]):
    out = np.array(np.broadcast_to(np.asarray(value, dtype=float), shape))
    return float(out) if shape == () else out


class Expression:
    """A parsed function of x and y: call it, take its gradient, print it."""

    __slots__ = ("_f", "_grad", "dx", "dy", "text", "tree")

    def __init__(self, text: str, tree: Node) -> None:
        self.text = text
        self.tree = tree
        self.dx = derivative(tree, "x")
        self.dy = derivative(tree, "y")
        self._f = _Program(tree)
        self._grad = _Program(self.dx, self.dy)

    def __call__(self, x, y):
        """f(x, y), broadcast over arrays; nan/inf where undefined, never an exception."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        shape = np.broadcast_shapes(x.shape, y.shape)
        return _shaped(self._f.run(x, y)[0], shape)

    def gradient(self, x, y):
        """(∂f/∂x, ∂f/∂y) from the symbolic derivatives, broadcast like :meth:`__call__`."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        shape = np.broadcast_shapes(x.shape, y.shape)
        gx, gy = self._grad.run(x, y)
        return _shaped(gx, shape), _shaped(gy, shape)

    def gradient_text(self) -> tuple[str, str]:
        return to_text(self.dx), to_text(self.dy)

    def __str__(self) -> str:
        return to_text(self.tree)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


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
