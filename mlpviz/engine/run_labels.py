"""Runs described in words: a settings summary, and labels naming only what differs.

Two runs that share everything but the learning rate are told apart as
"η 0.1" and "η 1"; the comparison as a whole reads "η 0.1 vs 1". Labels
are computed from the settings, so they stay right whatever was changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.engine.spec_rules import effective_loss


def run_fields(
    layer_sizes: Sequence[int], spec: NetworkSpec, settings: TrainingSettings
) -> dict[str, str]:
    """Each setting that shapes a run → its value as short text, in reading order.

    The keys are the short names the labels show ("η", "batch", …); the
    network's layer sizes are the key "net".
    """
    acts = spec.activations()
    out = {
        "net": "-".join(str(int(n)) for n in layer_sizes),
        "act": "/".join(dict.fromkeys(acts)) or "—",
        "out": spec.output_activation,
        "loss": effective_loss(spec),
        "init": spec.init,
        "init seed": _text(spec.seed),
        "η": _text(settings.learning_rate),
        "opt": settings.optimizer,
        "batch": _text(settings.batch_size),
    }
    if settings.optimizer_options:
        out["opt options"] = ", ".join(
            f"{k} {_text(v)}" for k, v in sorted(settings.optimizer_options.items())
        )
    sched = settings.schedule
    out["schedule"] = sched.kind
    out["L1"] = _text(settings.l1)
    out["L2"] = _text(settings.l2)
    out["dropout"] = _text(settings.dropout)
    out["shuffle"] = "on" if settings.shuffle else "off"
    out["seed"] = _text(settings.seed)
    return out


# Shown in every summary; the others only when they differ from these defaults.
_ALWAYS = ("net", "act", "out", "loss", "η", "opt", "batch", "init", "init seed")
_DEFAULTS = {
    "schedule": "constant",
    "L1": "0",
    "L2": "0",
    "dropout": "0",
    "shuffle": "off",
}


def summary(fields: dict[str, str]) -> str:
    """One line, e.g. "net 2-3-1 · act sigmoid · out sigmoid · η 0.1 · opt sgd · …"."""
    parts = [f"{k} {fields[k]}" for k in _ALWAYS if k in fields]
    for k, v in fields.items():
        if k in _ALWAYS or _DEFAULTS.get(k) == v:
            continue
        if k == "seed" and fields.get("shuffle") != "on":
            continue  # the order's seed matters only when rows are shuffled
        parts.append(f"{k} {v}")
    return " · ".join(parts)


def differing(runs: Sequence[dict[str, str]]) -> list[str]:
    """The keys whose values are not the same in all ``runs`` (reading order)."""
    if len(runs) < 2:
        return []
    keys = list(dict.fromkeys(k for r in runs for k in r))
    return [k for k in keys if len({r.get(k, "—") for r in runs}) > 1]


def differing_labels(runs: Sequence[dict[str, str]]) -> list[str]:
    """Per run, the settings that tell it apart, e.g. ["η 0.1", "η 1"]; empty
    strings when all runs share every setting (or there is one run)."""
    keys = differing(runs)
    return [", ".join(f"{k} {r.get(k, '—')}" for k in keys) for r in runs]


def comparison_title(runs: Sequence[dict[str, str]]) -> str:
    """The comparison in one phrase, e.g. "η 0.1 vs 1" or "η 0.1 vs 1 · batch 1 vs 4"
    ("" when nothing differs)."""
    parts = []
    for k in differing(runs):
        values = list(dict.fromkeys(r.get(k, "—") for r in runs))
        parts.append(f"{k} " + " vs ".join(values))
    return " · ".join(parts)


def _text(v) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
