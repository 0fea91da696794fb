"""The one number formatter and the one number parser (pure functions, no Qt)."""

import math

import pytest

from mlpviz.ui.style.numbers import MINUS, STYLES, format_number, parse_number


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (-0.5, {}, "−0.5000"),
        (0.0, {}, "0.0000"),
        (-0.0, {}, "0.0000"),
        (-0.001593, {}, "−0.001593"),
        (123456.0, {}, "1.235e+05"),
        (3e-5, {}, "3e−05"),
        (-0.5, {"style": "fixed", "plain": True}, "-0.5000"),
        (2.0, {"digits": 6, "style": "significant"}, "2"),
        (-1234567.0, {"digits": 6, "style": "significant", "plain": True}, "-1.23457e+06"),
        (0.62, {"digits": 2, "style": "compact"}, "0.62"),
        (-130.0, {"digits": 2, "style": "compact"}, "−1.3e+02"),
        (0.25, {"digits": 6, "style": "significant", "sign": True}, "+0.25"),
        (-0.25, {"digits": 6, "style": "significant", "sign": True}, "−0.25"),
        (1234567.4, {"digits": 0, "style": "fixed", "thousands": True}, "1,234,567"),
        (-1234.5, {"digits": 1, "style": "fixed", "thousands": True}, "−1,234.5"),
        (1234.5, {"digits": 1, "style": "fixed"}, "1234.5"),
    ],
)
def test_format_number(value, kwargs, text):
    assert format_number(value, **kwargs) == text


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("plain", [False, True])
def test_the_rules_are_the_same_in_every_style(style, plain):
    minus = "-" if plain else MINUS
    kw = {"style": style, "plain": plain}
    assert format_number(None, **kw) == "—"
    assert format_number(math.nan, **kw) == "NaN"
    assert format_number(math.inf, **kw) == "∞"
    assert format_number(-math.inf, **kw) == minus + "∞"
    for v in (-0.5, -3e-7, -2.5e6):
        text = format_number(v, **kw)
        assert text.startswith(minus) and ("-" in text) == plain and (MINUS in text) != plain
        assert parse_number(text) == pytest.approx(v, rel=1e-3, abs=1e-4)
    assert not format_number(-0.0, **kw).startswith(minus)
    assert format_number(1.0, sign=True, **kw).startswith("+")


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown number style 'round'"):
        format_number(1.0, style="round")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.5", 0.5),
        ("0,5", 0.5),
        ("  -0,25 ", -0.25),
        ("+2", 2.0),
        ("−0.25", -0.25),
        ("\t−1.5e-3\n", -0.0015),
        ("1e-3", 0.001),
        ("1E3", 1000.0),
        (".5", 0.5),
        ("2.", 2.0),
        (0.125, 0.125),
        (3, 3.0),
    ],
)
def test_parse_number_accepts(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "an empty value is not a number"),
        ("   ", "an empty value is not a number"),
        ("abc", "'abc' is not a number"),
        ("1,000.5", "'1,000.5' is not a number"),
        ("1,2,3", "'1,2,3' is not a number"),
        ("1_000", "'1_000' is not a number"),
        ("0x10", "'0x10' is not a number"),
        ("--1", "'--1' is not a number"),
        ("½", "'½' is not a number"),
        ("١٢", "'١٢' is not a number"),
        ("nan", "'nan' is not a finite number"),
        ("-Infinity", "'-Infinity' is not a finite number"),
        ("−inf", "'−inf' is not a finite number"),
        ("1e309", "'1e309' is not a finite number"),
        (math.nan, "'nan' is not a finite number"),
        (math.inf, "'inf' is not a finite number"),
    ],
)
def test_parse_number_refuses_with_a_reason(text, message):
    with pytest.raises(ValueError) as err:
        parse_number(text)
    assert str(err.value) == message


@pytest.mark.parametrize("text", ["1,000", "12,345", "−1,000", " +999,999 "])
def test_a_comma_that_could_separate_thousands_is_refused_not_guessed(text):
    with pytest.raises(ValueError, match="ambiguous"):
        parse_number(text)


@pytest.mark.parametrize(("text", "value"), [("0,125", 0.125), ("1,0001", 1.0001), ("1,25", 1.25)])
def test_a_comma_that_can_only_be_decimal_is_read_as_one(text, value):
    assert parse_number(text) == value
