"""``python -m mlpviz`` is the same as the ``mlpviz`` command."""

import sys

from mlpviz.cli import main

sys.exit(main())
