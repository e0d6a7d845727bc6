"""`python -m extract` runs the same command line as `evidence-extract`."""

import sys

from extract.cli import main

sys.exit(main())
