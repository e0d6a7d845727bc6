"""The one exception a reader raises for input it cannot turn into a report.

The flow records it as a report-level row of `validation_failures`; it never stops a batch.
"""

from __future__ import annotations


class UnreadableReport(Exception):
    """A file that cannot be read as a report, with a stable reason code."""

    def __init__(self, reason: str, message: str, source_file: str, page_no: int | None = None):
        super().__init__(f"{source_file}: {message}")
        self.reason = reason
        self.message = message
        self.source_file = source_file
        self.page_no = page_no
