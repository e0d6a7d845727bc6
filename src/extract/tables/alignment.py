"""Data blocks to (row, column): a beam search over a whole table's blocks in reading order.

What survives every reading order seen so far: the blocks of one column come in row order.
Columns interleave freely (a text tool may print several rows' first columns, then all their
results), a cell may start before its author's row is printed or long after it, and a cell may
be cut into several blocks. So the alignment keeps, per column, the last row it filled, and
scores each move by the block's fit to the column, skipped and continued cells, how the move
follows the previous block, and how far the row is from the latest printed author.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Literal, Sequence


State = tuple[tuple[int, ...], int]  # (last row filled per column, -1 for none; column of the last placed block)


@dataclass(frozen=True)
class AlignmentSettings:
    """Costs of the alignment's moves, in the same units as column fits (higher fit = better)."""

    skip_cost: float = 2.0
    continuation_cost: float = 2.0
    continuation_cost_at_capital: float = 3.0
    continuation_cost_at_bullet: float = 1.0
    continuation_cost_at_lower_case: float = 0.5
    continuation_cost_at_conclusion: float = 0.5
    continuation_cost_in_list: float = 0.3
    continuation_cost_at_page_break: float = 1.5
    continuation_cost_after_open_end: float = 0.5
    continuation_after_conclusion_cost: float = 3.0
    new_cell_at_lower_case_cost: float = 2.0
    new_cell_after_open_end_cost: float = 1.5
    unassigned_cost: float = 7.0
    apart_continuation_cost: float = 3.5
    backward_in_row_cost: float = 1.0
    next_row_cost: float = 0.5
    jump_cost: float = 2.0
    behind_author_cost: float = 0.4
    ahead_of_author_cost: float = 1.5
    max_rows_ahead: int = 3
    beam_states: int = 32
    fit_margin: float = 4.5


@dataclass(frozen=True)
class BlockCut:
    """What a block's edges say about whether it starts a cell or continues the one before it."""

    after_page_break: bool = False
    start: Literal["lower", "conclusion", "bullet", "capital", "other"] = "other"
    after_open_end: bool = False
    in_list: bool = False  # a bullet after a list the block before it was part of
    after_conclusion: bool = False  # a new item right after a combined cell's closing conclusion


@dataclass(frozen=True)
class Placement:
    """Where one data block went: its row, its column position, and whether it continues a cell."""

    row: int
    column: int
    continues_cell: bool = False


@dataclass(frozen=True)
class Alignment:
    """The cheapest alignment found: total cost and one placement (or None) per block."""

    cost: float
    placements: tuple[Placement | None, ...]


Move = tuple[State, int, int, bool]  # (previous state, row, column, continues the cell); row -1 leaves the block out


RowWindow = tuple[int, int]  # first and last row a block's page holds


def align_blocks(
    fits: Sequence[Sequence[float]],
    authors_before: Sequence[int],
    cuts: Sequence[BlockCut],
    n_rows: int,
    settings: AlignmentSettings = AlignmentSettings(),
    windows: Sequence[RowWindow | None] | None = None,
    carried: Sequence[int | None] | None = None,
) -> Alignment:
    """Assign blocks to (row, column), each column filling its rows in order; the column
    positions of `fits` are the column order, which rows read in most often.

    A block with a row window (the rows whose authors its page prints, and the row a page
    break may have cut) opens cells only there; a block without one up to a few rows past the
    latest author printed before it. Either way a cell is dearer the farther its row is from
    that author. A cell of the row a page break cut (`carried`, per block) goes on where the
    page's other cells print, so continuing it costs no more than after a page break."""
    n_columns = len(fits[0]) if fits else 0
    states: dict[State, float] = {((-1,) * n_columns, -1): 0.0}
    history: list[dict[State, Move]] = []
    for index, block_fits in enumerate(fits):
        window = windows[index] if windows is not None else None
        carried_row = carried[index] if carried is not None else None
        moves = _block_moves(states, block_fits, authors_before[index], window, cuts[index], n_rows, settings, carried_row)
        kept = heapq.nsmallest(settings.beam_states, moves.items(), key=lambda item: (item[1][0], item[0]))
        states = {state: cost for state, (cost, _) in kept}
        history.append({state: move for state, (_, move) in kept})
    final = {state: cost + _unfilled_cost(state, n_rows, settings) for state, cost in states.items()}
    best = min(final, key=lambda state: (final[state], state))
    return Alignment(final[best], _trace_back(history, best))


def _block_moves(
    states: dict[State, float],
    block_fits: Sequence[float],
    authors_before: int,
    window: RowWindow | None,
    cut: BlockCut,
    n_rows: int,
    settings: AlignmentSettings,
    carried_row: int | None = None,
) -> dict[State, tuple[float, Move]]:
    """Every state one more block can lead to, each with its cheapest cost and back-pointer."""
    best: dict[State, tuple[float, Move]] = {}
    continuation = continuation_cost(cut, settings)
    apart = continuation + settings.apart_continuation_cost
    carried_on = min(continuation, settings.continuation_cost_at_page_break) if cut.start in ("lower", "conclusion") else apart
    new_cell = new_cell_cost(cut, settings)
    plausible = _plausible_columns(block_fits, settings)
    distance = [_author_distance_cost(row, authors_before, settings) for row in range(n_rows)]
    for state, cost in states.items():
        filled, last_column = state
        _offer(best, state, cost + settings.unassigned_cost, (state, -1, -1, False))
        last_row = filled[last_column] if last_column >= 0 else -1
        for column, fit in plausible:
            row_filled = filled[column]
            if row_filled >= 0:
                joined = continuation if column == last_column else carried_on if row_filled == carried_row else apart
                _offer(best, (filled, column), cost + joined - fit, (state, row_filled, column, True))
            opened = cost + new_cell - fit
            for row in _new_cell_rows(row_filled, authors_before, window, n_rows, settings):
                total = (
                    opened
                    + (row - row_filled - 1) * settings.skip_cost
                    + _move_cost(last_row, last_column, row, column, settings)
                    + distance[row]
                )
                moved = (filled[:column] + (row,) + filled[column + 1 :], column)
                _offer(best, moved, total, (state, row, column, False))
    return best


def _plausible_columns(block_fits: Sequence[float], settings: AlignmentSettings) -> list[tuple[int, float]]:
    """The columns a block fits nearly as well as its best one; the rest never pay off, and
    leaving them out keeps wide tables fast."""
    floor = max(block_fits) - settings.fit_margin
    return [(column, fit) for column, fit in enumerate(block_fits) if fit >= floor]


def continuation_cost(cut: BlockCut, settings: AlignmentSettings) -> float:
    """What continuing the cell before costs: cheap for lower-case starts, bullets (cheaper still
    when the block before was part of a list), page breaks and after a block cut mid-sentence;
    dear for a capitalised start, which usually opens a cell, and for a new item right after the
    conclusion that closes a combined findings-and-conclusions cell."""
    by_start = {
        "lower": settings.continuation_cost_at_lower_case,
        "conclusion": settings.continuation_cost_at_conclusion,
        "bullet": settings.continuation_cost_at_bullet,
        "capital": settings.continuation_cost_at_capital,
        "other": settings.continuation_cost,
    }
    cost = by_start[cut.start]
    if cut.after_page_break:
        cost = min(cost, settings.continuation_cost_at_page_break)
    if cut.after_open_end:
        cost = min(cost, settings.continuation_cost_after_open_end)
    if cut.in_list:
        cost = min(cost, settings.continuation_cost_in_list)
    if cut.after_conclusion:
        cost += settings.continuation_after_conclusion_cost
    return cost


def new_cell_cost(cut: BlockCut, settings: AlignmentSettings) -> float:
    """What opening a cell with this block costs beyond its fit: cells rarely start in lower
    case or right after a block cut mid-sentence."""
    lower = settings.new_cell_at_lower_case_cost if cut.start == "lower" else 0.0
    return lower + (settings.new_cell_after_open_end_cost if cut.after_open_end else 0.0)


def _new_cell_rows(
    row_filled: int, authors_before: int, window: RowWindow | None, n_rows: int, settings: AlignmentSettings
) -> range:
    """Rows a column may open its next cell in: any after its last, within the block's page
    window, else up to a few past the latest author."""
    if window is not None:
        return range(max(row_filled + 1, window[0]), min(window[1], n_rows - 1) + 1)
    if authors_before < 1:
        return range(0)
    return range(row_filled + 1, min(n_rows - 1, authors_before - 1 + settings.max_rows_ahead) + 1)


def _move_cost(last_row: int, last_column: int, row: int, column: int, settings: AlignmentSettings) -> float:
    """How a new cell follows the previous block: along its row, down its column, or a jump."""
    if last_column < 0:
        return 0.0
    if row == last_row:
        return 0.0 if column > last_column else settings.backward_in_row_cost
    if row == last_row + 1 and column <= last_column:
        return settings.next_row_cost
    return settings.jump_cost


def _author_distance_cost(row: int, authors_before: int, settings: AlignmentSettings) -> float:
    """A cell usually starts after its author and before the next few authors are printed."""
    distance = row - (authors_before - 1)
    return distance * settings.ahead_of_author_cost if distance > 0 else -distance * settings.behind_author_cost


def _offer(best: dict[State, tuple[float, Move]], state: State, cost: float, move: Move) -> None:
    """Keep the cheaper of two ways into the same state (ties keep the first offered)."""
    known = best.get(state)
    if known is None or cost < known[0]:
        best[state] = (cost, move)


def _unfilled_cost(state: State, n_rows: int, settings: AlignmentSettings) -> float:
    """At the table's end, every column's rows never reached are skipped cells."""
    return sum(n_rows - 1 - row for row in state[0]) * settings.skip_cost


def _trace_back(history: list[dict[State, Move]], final: State) -> tuple[Placement | None, ...]:
    """Follow back-pointers from the final state to list each block's placement in order."""
    placements: list[Placement | None] = []
    state = final
    for moves in reversed(history):
        state, row, column, continues = moves[state]
        placements.append(Placement(row, column, continues) if row >= 0 else None)
    return tuple(reversed(placements))
