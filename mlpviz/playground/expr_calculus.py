"""What a parsed expression can do: differentiate, print and evaluate itself.

:func:`derivative` builds ∂f/∂x and ∂f/∂y symbolically, with light
simplification (:func:`add`, :func:`mul`, ...) so the results stay readable;
:func:`to_text` prints a tree back as text that parses to the same tree; and
:class:`Expression` ties a tree to its derivatives and evaluates both over
NumPy arrays.

Evaluation, differentiation and printing walk the tree iteratively (no
recursion), so an expression that passed the parser can never overflow the
stack later.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mlpviz.playground.expr_tree import (
    _ALL_FUNCTIONS,
    _BINARY,
    BinOp,
    Call,
    Const,
    Neg,
    Node,
    Num,
    Var,
    children,
    postorder,
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
