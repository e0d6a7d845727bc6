"""The tables of a tagged PDF's structure tree: each TR's TH and TD cells placed in columns, with the marked content each owns on each page.

pdfplumber's `PDFStructTree` reads the same tree, but keeps one page per element: content an
element draws on another page (a cell broken by a page break, referenced with its own /Pg, as
LibreOffice and Typst write it) is counted on the element's first page, and a page's own tree
takes in content of other pages. Those are exactly the cells of a table split over pages, so the
tree is walked here from pdfminer's objects, each marked-content reference on its own page.
Only the tables are kept; paragraphs, headings and spans outside them are not walked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral

from extract.model import TaggedCell, TaggedTable

# Structure types that never hold a table: their subtrees are not walked when looking for one.
TEXT_TYPES = frozenset({
    "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "Span", "Link", "Lbl", "Quote", "Note", "Reference", "BibEntry",
    "Code", "Figure", "Formula", "Form", "Annot", "Ruby", "Warichu", "Caption", "TOCI",
})
ROW_GROUPS = frozenset({"THead", "TBody", "TFoot"})
CELL_TYPES = frozenset({"TH", "TD"})
# A structure tree nested deeper than this is malformed (or a loop); what lies below is not read.
MAX_DEPTH = 64

PageContent = list[tuple[int, int]]  # (page_no, mcid) pairs, in tree order


def tagged_tables(document: PDFDocument, page_numbers: Mapping[int, int]) -> dict[int, tuple[TaggedTable, ...]]:
    """Every table of the document's structure tree, as drawn on each page: page_no → its tables in tree order.

    `page_numbers` maps each page object's id to its 1-based number. A PDF without a structure
    tree has no tagged tables.
    """
    root = resolve1(document.catalog.get("StructTreeRoot"))
    if not isinstance(root, dict):
        return {}
    roles = resolve1(root.get("RoleMap")) or {}
    by_page: dict[int, list[TaggedTable]] = defaultdict(list)
    for table, page_no in table_elements(root, roles, page_numbers):
        for number, tagged in table_by_page(table, page_no, roles, page_numbers).items():
            by_page[number].append(tagged)
    return {number: tuple(tables) for number, tables in sorted(by_page.items())}


def kids(element: dict) -> list[Any]:
    """An element's /K as a list (it may be one kid or an array)."""
    value = resolve1(element.get("K"))
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def element_type(element: dict, roles: Mapping[str, Any]) -> str:
    """An element's standard type, through the tree's role map."""
    kind = name_of(element.get("S"))
    for _ in range(4):  # a role may map to another role
        mapped = name_of(resolve1(roles.get(kind)))
        if not mapped or mapped == kind:
            break
        kind = mapped
    return kind


def name_of(value: Any) -> str:
    """A PDF name (or string) as text; empty for anything else."""
    if isinstance(value, PSLiteral):
        value = value.name
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else ""


def element_page(element: dict, page_numbers: Mapping[int, int], inherited: int | None) -> int | None:
    """The page an element's content is on (/Pg), else the one its parent's is on."""
    reference = element.get("Pg")
    return page_numbers.get(reference.objid, inherited) if isinstance(reference, PDFObjRef) else inherited


def is_element(value: Any) -> bool:
    """A structure element (not a marked-content or object reference)."""
    return isinstance(value, dict) and "S" in value


def table_elements(root: dict, roles: Mapping[str, Any], page_numbers: Mapping[int, int]) -> Iterator[tuple[dict, int | None]]:
    """Every Table element of the tree, in tree order, with the page it inherits; each element visited once."""
    stack: list[tuple[Any, int | None, int]] = [(kid, None, 0) for kid in reversed(kids(root))]
    seen: set[int] = set()
    while stack:
        item, page_no, depth = stack.pop()
        element = resolve1(item)
        key = item.objid if isinstance(item, PDFObjRef) else id(element)
        if not is_element(element) or depth > MAX_DEPTH or key in seen:
            continue
        seen.add(key)
        page_no = element_page(element, page_numbers, page_no)
        kind = element_type(element, roles)
        if kind == "Table":
            yield element, page_no
        elif kind not in TEXT_TYPES:
            stack.extend((kid, page_no, depth + 1) for kid in reversed(kids(element)))


def table_rows(table: dict, page_no: int | None, roles: Mapping[str, Any], page_numbers: Mapping[int, int]) -> list[list[tuple[dict, int | None]]]:
    """A table's TR rows (directly under it or in THead, TBody, TFoot), each its TH/TD cells with their inherited page."""
    rows: list[list[tuple[dict, int | None]]] = []
    for part, part_page in child_elements(table, page_no, page_numbers):
        kind = element_type(part, roles)
        if kind in ROW_GROUPS:
            rows += [cells_of(row, row_page, roles, page_numbers) for row, row_page in child_elements(part, part_page, page_numbers)
                     if element_type(row, roles) == "TR"]
        elif kind == "TR":
            rows.append(cells_of(part, part_page, roles, page_numbers))
    return rows


def child_elements(element: dict, page_no: int | None, page_numbers: Mapping[int, int]) -> list[tuple[dict, int | None]]:
    """An element's child elements with the page each inherits."""
    children = [resolve1(kid) for kid in kids(element)]
    return [(child, element_page(child, page_numbers, page_no)) for child in children if is_element(child)]


def cells_of(row: dict, page_no: int | None, roles: Mapping[str, Any], page_numbers: Mapping[int, int]) -> list[tuple[dict, int | None]]:
    """A TR's TH and TD cells, in order."""
    return [(cell, cell_page) for cell, cell_page in child_elements(row, page_no, page_numbers) if element_type(cell, roles) in CELL_TYPES]


def marked_content(element: dict, page_no: int | None, page_numbers: Mapping[int, int], depth: int = 0) -> PageContent:
    """Every (page, mcid) an element and its descendants own, in tree order.

    An integer kid is on the element's page; a marked-content reference names its own page, and
    one inside a form XObject (/Stm) is numbered in the form's stream, not the page's, so it is left out.
    """
    found: PageContent = []
    if depth > MAX_DEPTH:
        return found
    for item in kids(element):
        kid = resolve1(item)
        if isinstance(kid, int) and page_no is not None:
            found.append((page_no, kid))
        elif isinstance(kid, dict) and "MCID" in kid and "Stm" not in kid:
            kid_page = element_page(kid, page_numbers, page_no)
            mcid = resolve1(kid["MCID"])
            if kid_page is not None and isinstance(mcid, int):
                found.append((kid_page, mcid))
        elif is_element(kid):
            found += marked_content(kid, element_page(kid, page_numbers, page_no), page_numbers, depth + 1)
    return found


def span_of(cell: dict, key: str) -> int:
    """A cell's ColSpan or RowSpan from its attribute objects; 1 when it gives none."""
    attributes = resolve1(cell.get("A"))
    for owner in attributes if isinstance(attributes, list) else [attributes]:
        owner = resolve1(owner)
        if isinstance(owner, dict) and isinstance(value := resolve1(owner.get(key)), (int, float)) and value >= 1:
            return int(value)
    return 1


def placed_cells(rows: list[list[tuple[dict, int | None]]]) -> list[list[tuple[int, int, dict, int | None]]]:
    """Each row's cells as (column, span, cell, page): columns counted with the spans of cells
    to the left and of cells above that span rows down into this one."""
    placed: list[list[tuple[int, int, dict, int | None]]] = []
    covered: dict[int, int] = {}  # column → rows below still covered by a cell above
    for row in rows:
        blocked = {column for column, remaining in covered.items() if remaining > 0}
        covered = {column: covered[column] - 1 for column in blocked}
        column, cells = 0, []
        for cell, page_no in row:
            while column in blocked:
                column += 1
            span = span_of(cell, "ColSpan")
            cells.append((column, span, cell, page_no))
            for spanned in range(column, column + span):
                covered[spanned] = max(covered.get(spanned, 0), span_of(cell, "RowSpan") - 1)
            column += span
        placed.append(cells)
    return placed


def table_by_page(table: dict, page_no: int | None, roles: Mapping[str, Any], page_numbers: Mapping[int, int]) -> dict[int, TaggedTable]:
    """One Table element cut by page: on each page it draws on, its rows with content there and their cells' mcids there."""
    placed = placed_cells(table_rows(table, page_no, roles, page_numbers))
    columns = max((column + span for row in placed for column, span, _, _ in row), default=0)
    pages: dict[int, list[tuple[TaggedCell, ...]]] = defaultdict(list)
    for row in placed:
        on_page: dict[int, list[TaggedCell]] = defaultdict(list)
        for column, span, cell, cell_page in row:
            by_page: dict[int, set[int]] = defaultdict(set)
            for number, mcid in marked_content(cell, cell_page, page_numbers):
                by_page[number].add(mcid)
            for number, mcids in by_page.items():
                on_page[number].append(TaggedCell(column, span, frozenset(mcids)))
        for number, cells in on_page.items():
            pages[number].append(tuple(cells))
    return {number: TaggedTable(tuple(rows), columns) for number, rows in pages.items()}
