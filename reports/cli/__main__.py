"""``python -m mitchell.reports.cli``: the ``mitchell`` command."""
import sys

from . import main

sys.exit(main())
