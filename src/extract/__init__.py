"""evidence-extract: health-technology assessment reports to validated, analysis-ready tables."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("evidence-extract")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
