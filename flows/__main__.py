"""`python -m flows` runs the same command line as `evidence-extract`."""

from flows.cli import console

console()
