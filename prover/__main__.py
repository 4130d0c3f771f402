"""``python -m prover``: the same entry point as the ``geoprover`` command."""
import sys

from prover.cli import main

sys.exit(main())
