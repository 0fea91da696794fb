"""The safe expression parser: grammar, values, symbolic gradients, refusals, fuzzing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpviz.playground.expr import MAX_DEPTH, MAX_LENGTH, ExpressionError, parse
from mlpviz.playground.expr_calculus import to_text
from mlpviz.playground.expr_tree import BinOp, Call, Const, Neg, Num, Var

RNG = np.random.default_rng(7)
XS = RNG.uniform(-2.0, 2.0, 50)
YS = RNG.uniform(-2.0, 2.0, 50)


def value(text: str, x=1.3, y=-0.7):
    return parse(text)(x, y)


# -- grammar ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2*3", 7.0),
        ("(1 + 2)*3", 9.0),
        ("8/4/2", 1.0),  # left-associative
        ("10 - 4 - 3", 3.0),
        ("2^3^2", 512.0),  # right-associative
        ("2**3**2", 512.0),
        ("-2^2", -4.0),  # unary minus binds looser than ^
        ("(-2)^2", 4.0),
        ("2^-1", 0.5),
        ("--3", 3.0),
        ("+3", 3.0),
        ("-3*2", -6.0),
        ("2*-3", -6.0),
        ("1e-3", 0.001),
        (".5", 0.5),
        ("2.", 2.0),
        ("1.5E2", 150.0),
        ("pi", math.pi),
        ("e", math.e),
        ("2 × 3 ÷ 4 − 1", 0.5),  # Unicode operators
        ("  7\t", 7.0),
    ],
)
def test_grammar_values(text, expected):
    assert value(text) == pytest.approx(expected)


def test_tree_shapes():
    assert parse("-x^2").tree == Neg(BinOp("^", Var("x"), Num(2.0)))
    assert parse("x^y^2").tree == BinOp("^", Var("x"), BinOp("^", Var("y"), Num(2.0)))
    assert parse("x - y - 1").tree == BinOp("-", BinOp("-", Var("x"), Var("y")), Num(1.0))
    assert parse("sin(pi*x)").tree == Call("sin", BinOp("*", Const("pi"), Var("x")))


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("x^2 + 3*y^2", lambda x, y: x**2 + 3 * y**2),
        ("sin(x)*cos(y)", lambda x, y: np.sin(x) * np.cos(y)),
        ("tan(x) + tanh(y)", lambda x, y: np.tan(x) + np.tanh(y)),
        ("exp(-x^2 - y^2)", lambda x, y: np.exp(-(x**2) - y**2)),
        ("log(1 + x^2) + sqrt(abs(y))", lambda x, y: np.log(1 + x**2) + np.sqrt(np.abs(y))),
        ("sinh(x) - cosh(y)", lambda x, y: np.sinh(x) - np.cosh(y)),
        ("(1 - x)^2 + 100*(y - x^2)^2", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
        ("x/y - y/x", lambda x, y: x / y - y / x),
        ("e^x * pi", lambda x, y: np.e**x * np.pi),
    ],
)
def test_values_match_numpy_on_arrays(text, reference):
    expr = parse(text)
    np.testing.assert_allclose(expr(XS, YS), reference(XS, YS), rtol=1e-12)
    # Scalars in, a float out; grids broadcast.
    assert isinstance(expr(0.3, 0.4), float)
    gx, gy = np.meshgrid(XS[:5], YS[:7], indexing="ij")
    assert expr(gx, gy).shape == (5, 7)


def test_constant_expression_broadcasts_to_the_grid():
    assert parse("3")(np.zeros((4, 2)), 0.0).shape == (4, 2)
    gx, gy = parse("pi").gradient(np.zeros(3), np.zeros(3))
    assert gx.shape == gy.shape == (3,)
    assert not gx.any() and not gy.any()


def test_domain_errors_give_nan_or_inf_without_warnings():
    # pyproject turns RuntimeWarnings from mlpviz into errors, so this also checks suppression.
    assert math.isnan(value("log(-1) + x"))
    assert math.isnan(value("sqrt(-x)", x=1.0))
    assert value("1/x", x=0.0) == math.inf
    assert value("exp(1000*x)", x=1.0) == math.inf
    assert math.isnan(value("(-8)^(1/3)"))
    assert value("1e999") == math.inf


# -- symbolic gradients -------------------------------------------------------------

GRADIENT_CASES = [
    "x^2 + y^2",
    "x^2 + 10*y^2",
    "(1 - x)^2 + 100*(y - x^2)^2",
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "sin(x)*cos(y)",
    "tan(x/3) + tanh(y)",
    "exp(-(x^2 + y^2)/2)",
    "log(1 + x^2 + y^2)",
    "sqrt(1 + x^2*y^2)",
    "abs(x - 3) + abs(y + 3)",
    "sinh(x/2)*cosh(y/2)",
    "x/y + y/(1 + x^2)",
    "x^y",  # variable exponent: needs log(x), positive x below
    "2^(x*y)",
    "(x^2 + 1)^(y/3)",
    "-x^3 + x*y - y^-2",
    "x*y*x*y - x/y/x",
    "-(x - y)^2 * -sin(x)",
]


def central(expr, x, y, h=1e-6):
    dx = (expr(x + h, y) - expr(x - h, y)) / (2 * h)
    dy = (expr(x, y + h) - expr(x, y - h)) / (2 * h)
    return dx, dy


@pytest.mark.parametrize("text", GRADIENT_CASES)
def test_symbolic_gradient_matches_central_differences(text):
    expr = parse(text)
    x = RNG.uniform(0.3, 2.0, 40)  # positive: keeps x^y and log defined
    y = RNG.uniform(0.3, 2.0, 40) * RNG.choice([-1, 1], 40)
    if "x^y" in text or "log" in text:
        y = np.abs(y)
    gx, gy = expr.gradient(x, y)
    nx, ny = central(expr, x, y)
    np.testing.assert_allclose(gx, nx, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(gy, ny, rtol=1e-5, atol=1e-5)


def test_power_rule_works_for_negative_bases():
    # u^v·log(u) would be nan at x < 0; a constant exponent uses the power rule.
    gx, _ = parse("x^2").gradient(-3.0, 0.0)
    assert gx == -6.0
    assert parse("x^2 + 3*y^2").gradient_text() == ("2*x", "6*y")


def test_abs_has_a_zero_subgradient_at_the_kink():
    assert parse("abs(x)").gradient(0.0, 0.0) == (0.0, 0.0)


# -- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x.__class__", "unexpected '.' at column 2"),
        ("().__class__", "unexpected ')' at column 2"),
        ("(x).__class__", "unexpected '.' at column 4"),
        ("foo(x)", "unknown name 'foo' at column 1; allowed: x, y, pi, e, sin, cos"),
        ("x + __import__(os)", "unknown name '__import__' at column 5"),
        ("__import__('os')", "unknown name '__import__' at column 1"),  # the first problem
        ("os", "unknown name 'os' at column 1"),
        ("lambda: 1", "unknown name 'lambda' at column 1"),
        ("x[0]", "unexpected '[' at column 2"),
        ("'x'", 'unexpected "\'" at column 1'),
        ('"abc"', "unexpected '\"' at column 1"),
        ("max(x, y)", "unknown name 'max' at column 1"),
        ("sin(x, y)", "unexpected ',' at column 6"),
        ("1 +", "ends too early at column 4"),
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("(x + 1", "expected ')' at column 7"),
        ("x + 1)", "unexpected ')' at column 6"),
        ("sin x", "expected '(' after 'sin' at column 5"),
        ("2x", "missing operator before 'x' at column 2"),
        ("x(2)", "missing operator before '(' at column 2"),
        ("Sin(x)", "did you mean 'sin'?"),
        ("x = 1", "unexpected '=' at column 3"),
        ("x ** * 2", "unexpected '*' at column 6"),
        ("()", "unexpected ')' at column 2"),
        ("x; y", "unexpected ';' at column 2"),
        ("x if y else 1", "unknown name 'if' at column 3"),
        ("x" * 10_000, "too long: 10000 characters"),
        ("(" * 1000 + "x" + ")" * 1000, "too long"),
        ("(" * 150 + "x" + ")" * 150, "too deeply nested: 150 levels"),
        ("x" + "^x" * (MAX_DEPTH + 5), "too deeply nested at column"),
        ("-" * 400 + "x", None),  # a long run of signs is flat, hence fine
    ],
)
def test_refusals_name_the_problem_and_column(text, fragment):
    if fragment is None:
        assert parse(text)(2.0, 0.0) == 2.0
        return
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert fragment in str(info.value)
    assert type(info.value) is ExpressionError
    assert isinstance(info.value, ValueError)


def test_limits_are_what_the_docs_say():
    assert MAX_LENGTH == 500 and MAX_DEPTH == 100
    parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)  # exactly at the limit is fine
    parse("+".join(["x"] * 250))  # a long flat sum is within both limits
    assert parse("+".join(["x"] * 250))(1.0, 0.0) == 250.0


def test_error_carries_the_column():
    with pytest.raises(ExpressionError) as info:
        parse("x + foo")
    assert info.value.column == 5


# -- fuzzing -----------------------------------------------------------------------

ALPHABET = st.sampled_from(
    [*"xy0123456789.+-*/^()eE ,[]_'\"×÷−", "sin", "pi", "**", "log", "sqrt", "abs", "z"]
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=60), st.lists(ALPHABET, max_size=40).map("".join)))
def test_random_text_parses_or_raises_expression_error_only(text):
    try:
        expr = parse(text)
    except ExpressionError:
        return
    expr(0.5, -1.5)  # evaluating never raises either
    expr.gradient(np.array([0.5, 2.0]), -1.5)


def trees():
    leaves = st.one_of(
        st.sampled_from([Var("x"), Var("y"), Const("pi"), Const("e")]),
        st.floats(0.0, 50.0, allow_nan=False).map(Num),
    )

    def grow(children):
        return st.one_of(
            children.map(Neg),
            st.tuples(st.sampled_from("+-*/^"), children, children).map(lambda t: BinOp(*t)),
            st.tuples(
                st.sampled_from(["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh"]),
                children,
            ).map(lambda t: Call(*t)),
        )

    return st.recursive(leaves, grow, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(trees())
def test_printed_trees_reparse_to_the_same_function(tree):
    text = to_text(tree)
    expr = parse(text)
    assert expr.tree == tree
    reference = _evaluate(tree, XS[:8], YS[:8])
    np.testing.assert_array_equal(expr(XS[:8], YS[:8]), reference)


def _evaluate(node, x, y):
    """An independent, recursive reference evaluator for the property test."""
    with np.errstate(all="ignore"):
        if isinstance(node, Num):
            return np.full_like(x, node.value)
        if isinstance(node, Const):
            return np.full_like(x, node.value)
        if isinstance(node, Var):
            return x if node.name == "x" else y
        if isinstance(node, Neg):
            return -_evaluate(node.operand, x, y)
        if isinstance(node, Call):
            return getattr(np, {"abs": "abs"}.get(node.func, node.func))(_evaluate(node.arg, x, y))
        a, b = _evaluate(node.left, x, y), _evaluate(node.right, x, y)
        return {
            "+": np.add,
            "-": np.subtract,
            "*": np.multiply,
            "/": np.divide,
            "^": np.power,
        }[node.op](a, b)
