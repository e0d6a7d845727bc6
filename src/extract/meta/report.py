"""A report's metadata read from its sections: the metadata reader's entry point."""

from __future__ import annotations

from extract.meta.abbreviations import report_abbreviations
from extract.meta.counts import declared_study_counts, summary_citation_ranges, summary_counts
from extract.meta.cover import publication_date, report_title
from extract.meta.criteria import selection_criteria, selection_lines
from extract.meta.questions import research_questions
from extract.meta.references import report_references
from extract.meta.search import databases, languages, search_window
from extract.meta.sections import document_lines, find_headings, front_lines, section_lines, section_text
from extract.model import Document, ReportMeta


def report_meta(doc: Document) -> ReportMeta:
    """Read what a report says about itself, so its tables can be checked against it."""
    lines = document_lines(doc)
    headings = find_headings(lines)
    methods = section_text(section_lines(lines, headings, "methods"))
    key_findings = section_text(section_lines(lines, headings, "key_findings"))
    results_intro = section_text(section_lines(lines, headings, "results"))
    summary = section_text(section_lines(lines, headings, "summary_of_findings"))
    search_start, search_end = search_window(methods)
    return ReportMeta(
        title=report_title(front_lines(lines, headings)),
        publication_date=publication_date(lines, headings),
        research_questions=research_questions(section_lines(lines, headings, "research_questions")),
        search_start=search_start,
        search_end=search_end,
        languages=languages(methods),
        databases=databases(methods),
        declared_counts=declared_study_counts(key_findings, results_intro),
        summary_counts=summary_counts(summary),
        citation_ranges=summary_citation_ranges(summary),
        selection_criteria=selection_criteria(selection_lines(lines, headings)),
        abbreviations=report_abbreviations(doc, section_lines(lines, headings, "abbreviations")),
        references=report_references(doc, lines, headings),
    )
