"""The tree of a parsed expression: node classes, the vocabulary, and walks.

Frozen dataclasses, one per kind of node (:class:`Num`, :class:`Var`,
:class:`Const`, :class:`Neg`, :class:`BinOp`, :class:`Call`), the names a user
may type (:data:`FUNCTIONS`, :data:`CONSTANTS`, :data:`VARIABLES`), and
:func:`postorder`, the iterative walk every later stage builds on. The parser
lives in :mod:`mlpviz.playground.expr`; differentiation, printing and evaluation in
:mod:`mlpviz.playground.expr_calculus`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

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

_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power}


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
