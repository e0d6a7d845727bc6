"""The order of a text-rebuilt table's rows when a text tool printed its authors out of order.

A grouped table opens with a group heading, and the author printed right after a heading is
that group's first row. A text tool may print a page's shaded heading row, with the author cell
that shares its flow, after the rows below it (pdftotext's default mode does). The sign is a
table whose cells start before any of its authors is printed: those cells belong to a row
whose author comes later. Then the rows printed before the table's first heading on that same
page really come after the heading's row.
"""

from __future__ import annotations

from typing import Sequence


def rows_in_table_order(
    headings: Sequence[str | None], pages: Sequence[int | None], cells_before_authors: bool
) -> tuple[int, ...]:
    """The printed authors' indices in table order: when cells come before any author, the
    author under the table's first heading goes before the ungrouped authors printed ahead of
    it on its own page; else print order."""
    order = tuple(range(len(headings)))
    first = next((index for index, heading in enumerate(headings) if heading), None)
    if not cells_before_authors or not first or pages[first] is None:
        return order
    if any(page != pages[first] for page in pages[:first]):
        return order
    return (first, *order[:first], *order[first + 1 :])


def latest_rows(authors_before: Sequence[int], order: Sequence[int]) -> tuple[int, ...]:
    """Each data block's "authors printed before it" re-expressed in table order: one past the
    latest table row among the authors printed before the block (0 when none was)."""
    position = {printed: row for row, printed in enumerate(order)}
    latest: list[int] = []
    highest = -1
    printed = 0
    for count in authors_before:
        while printed < count:
            highest = max(highest, position[printed])
            printed += 1
        latest.append(highest + 1)
    return tuple(latest)
