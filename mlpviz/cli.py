"""The ``mlpviz`` command: the desktop app, or train / predict / bench.

Bad arguments and bad files end with one line on stderr and exit status 2 —
never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # argparse takes "-1,1" (--normalize) or "-1e3" (predict) for an
        # option because only "-5" and "-.5" count as negative numbers. No
        # option here starts with "-<digit>", so any such word is a value.
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str) -> None:  # one line, not usage + message
        command = self.prog.split()[-1]
        hint = "mlpviz --help" if command == "mlpviz" else f"mlpviz {command} --help"
        self.exit(EXIT_USAGE, f"mlpviz: error: {message} (see {hint})\n")


def _ints(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(t) for t in text.replace(" ", "").split(",") if t != "")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 3 or 4,2 — got {text!r}") from None
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be ≥ 1, got {text!r}")
    return sizes


def _names(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="mlpviz",
        usage="mlpviz [data.csv] | mlpviz --preset FILE | mlpviz {train,predict,bench} ...",
        description="Watch, step and poke a multi-layer perceptron while it learns. "
        "With no command (or with a CSV file) it opens the desktop app.",
    )
    p.add_argument("--version", action="version", version="mlpviz 0.1.0")
    p.add_argument("--preset", metavar="FILE", help="open the desktop app set up by a preset file")
    p.add_argument(
        "--list-examples", action="store_true", help="list the built-in datasets and exit"
    )
    sub = p.add_subparsers(dest="command", parser_class=_Parser, prog="mlpviz")

    t = sub.add_parser(
        "train",
        help="train a network and print the loss",
        description="Train an MLP on a CSV file or a built-in dataset.",
    )
    t.add_argument("data", nargs="?", help="CSV file (header optional; comma, semicolon or tab)")
    t.add_argument(
        "--example",
        metavar="NAME",
        help="use a built-in dataset instead of a file (see --list-examples)",
    )
    t.add_argument(
        "--list-examples", action="store_true", help="list the built-in datasets and exit"
    )
    t.add_argument(
        "--inputs",
        type=_names,
        help="input columns, by name, comma-separated (default: all but the last)",
    )
    t.add_argument("--targets", type=_names, help="target columns (default: the last)")
    t.add_argument(
        "--task",
        choices=("auto", "classification", "regression"),
        default="auto",
        help="auto (default): a text target, or integers with at most 20 distinct values, "
        "is a class column (one output per class); otherwise regression",
    )
    t.add_argument("--test", metavar="FILE", help="CSV file of test rows, with the same columns")
    t.add_argument(
        "--hidden",
        type=_ints,
        default=None,
        help="hidden layer sizes, e.g. 3 or 8,4 (default: 3 for the tutorial's tables, else 100)",
    )
    t.add_argument(
        "--activation",
        default=None,
        help="hidden activation: sigmoid, tanh, relu, linear (default: the tutorial's sigmoid "
        "for its tables, else relu)",
    )
    t.add_argument(
        "--output-activation",
        default=None,
        help="output activation (default: softmax for classes, linear for other numbers; "
        "the tutorial's tables: same as --activation)",
    )
    t.add_argument(
        "--loss", default=None, help="mse or cross-entropy (default: the one fitting the output)"
    )
    t.add_argument("--lr", type=float, default=None, help="learning rate η (default 0.1 / 0.001)")
    t.add_argument("--epochs", type=int, default=None, help="most epochs to train (default 1000)")
    t.add_argument(
        "--batch-size", type=int, default=None, help="rows per update; 1 = per-sample SGD"
    )
    t.add_argument(
        "--optimizer",
        default=None,
        help="sgd, momentum, nesterov, adagrad, rmsprop, adam, trial-and-error",
    )
    t.add_argument("--init", default=None, help="tutorial (2-3-1 only), uniform, xavier, he, zeros")
    t.add_argument("--seed", type=int, default=0, help="seed for initialization and shuffling")
    t.add_argument("--shuffle", action="store_true", default=None, help="shuffle rows each epoch")
    t.add_argument(
        "--normalize",
        default=None,
        help="input scaling: 0,1  -1,1  zscore  none  or LOW,HIGH:MIN,MAX (fixed range)",
    )
    t.add_argument(
        "--target-normalize",
        default=None,
        help="target scaling (default: same as --normalize); class targets are never scaled",
    )
    t.add_argument("--l2", type=float, default=None, help="L2 weight penalty (default 0)")
    t.add_argument(
        "--dropout", type=float, default=None, help="dropout rate of hidden nodes (default 0)"
    )
    t.add_argument(
        "--patience",
        type=int,
        default=None,
        help="stop when the validation loss has not improved for N epochs, keeping the best "
        "weights (default 20; the tutorial's tables: off)",
    )
    t.add_argument(
        "--test-fraction", type=float, default=0.0, help="fraction of rows held out for testing"
    )
    t.add_argument(
        "--every", type=int, default=None, help="print the loss every N epochs (default: 10 lines)"
    )
    t.add_argument("--save", metavar="MODEL.json", help="save the trained model")

    pr = sub.add_parser(
        "predict",
        help="predict with a saved model",
        description="Predict with a saved model, in the target's units.",
    )
    pr.add_argument("model", help="model JSON written by mlpviz train --save (or the app)")
    pr.add_argument(
        "values", nargs="*", help="one value per input column, in raw units (or use --csv)"
    )
    pr.add_argument("--csv", metavar="FILE", help="predict every row of a CSV file")
    pr.add_argument("--out", metavar="OUT.csv", help="write the predictions here (default: stdout)")

    b = sub.add_parser(
        "bench",
        help="print performance figures",
        description="Measure the engine against baselines run in the same process.",
    )
    b.add_argument("--quick", action="store_true", help="smaller sizes, for a fast look")
    b.add_argument(
        "--gui",
        action="store_true",
        help="also measure the desktop app (needs a display or offscreen)",
    )
    b.add_argument(
        "--scale",
        action="store_true",
        help="also measure big data, a big network's graph and a long history (minutes)",
    )
    b.add_argument(
        "--sklearn",
        action="store_true",
        help="also compare default training with scikit-learn's MLP on five datasets",
    )
    return p


COMMANDS = ("train", "predict", "bench")


def main(argv: Sequence[str] | None = None) -> int:
    # Small matrices on 2 cores: OpenBLAS's worker threads spin-wait against
    # the GUI and the trainer and cost more than they save. Set before NumPy
    # is imported; a user's own setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].split("=")[0] == "--preset":
        # The desktop app set up by a teacher's preset (read and checked in the window).
        files = argv[0].split("=", 1)[1:] + argv[1:]
        if len(files) != 1:
            print("mlpviz: error: give one preset file: mlpviz --preset FILE", file=sys.stderr)
            return EXIT_USAGE
        from mlpviz.ui.shell.app import run

        return run(None, preset=files[0])
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        # No command: the desktop app, optionally opening a CSV file.
        if len(argv) > 1:
            print("mlpviz: error: give at most one CSV file to open", file=sys.stderr)
            return EXIT_USAGE
        from mlpviz.ui.shell.app import run

        return run(argv[0] if argv else None)
    args = build_parser().parse_args(argv)
    if args.command == "predict" and not args.values and not args.csv:
        print(
            "mlpviz: error: give the input values or --csv FILE (see mlpviz predict --help)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        if args.command is None and args.list_examples:
            from mlpviz.cli_commands import list_examples

            return list_examples()
        if args.command == "train":
            from mlpviz.cli_commands import train

            return train(args)
        if args.command == "predict":
            from mlpviz.cli_predict import predict

            return predict(args)
        if args.command == "bench":
            from mlpviz.bench.main import main as bench

            extra = {"sklearn": True} if args.sklearn else {}
            return bench(quick=args.quick, gui=args.gui, scale=args.scale, **extra)
    except BrokenPipeError:
        # The reader went away (`mlpviz predict … | head`): what it wanted was
        # written. Point stdout at /dev/null so the interpreter's final flush
        # does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, OSError) as e:
        print(f"mlpviz: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mlpviz: interrupted", file=sys.stderr)
        return 130
    from mlpviz.ui.shell.app import run

    return run(None)


def gui_main() -> int:
    """Entry point of the ``mlpviz-gui`` script (no console window on Windows)."""
    from mlpviz.ui.shell.app import run

    return run(sys.argv[1] if len(sys.argv) > 1 else None)
