"""`python -m flows` runs the same command line as `evidence-extract`."""

import sys

from flows.cli import main

sys.exit(main())
