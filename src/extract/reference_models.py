"""The contract's rules for the reference tables: `references` (checked per report) and `study_index` (documented).

A field of a reference that could not be read is null, never a guess, so every parsed field is
nullable; what is filled must have its form: a PMID is digits, a DOI starts `10.`.
"""

from __future__ import annotations

import pandera.pandas as pa

from extract.contract_types import ContractTable, IntColumn, StringColumn
from extract.tables_spec import REFERENCE_SECTIONS

PMID_PATTERN = r"^\d{1,9}$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"


class ReferencesModel(ContractTable):
    """Rules for reference entries: their report, number, list and text; the parsed fields' forms."""

    report_id: StringColumn = pa.Field(str_length={"min_value": 1}, description="The source file's stem in raw/.")
    ref_no: IntColumn = pa.Field(ge=1, description="The entry's number as printed in its list.")
    section: StringColumn = pa.Field(
        isin=list(REFERENCE_SECTIONS),
        description="Which list: `summarized` (References Summarized) or `additional` "
        "(the appendix of references of potential interest).",
    )
    group: StringColumn = pa.Field(
        nullable=True, description="The heading the entry sits under in its list, e.g. 'Randomized Controlled Trials'."
    )
    text: StringColumn = pa.Field(
        str_length={"min_value": 1},
        description="The whole entry without its number, lines joined and cleaned, verbatim otherwise "
        "(its PubMed line and link included).",
    )
    first_author: StringColumn = pa.Field(
        nullable=True, description="The first author's surname as printed, or a group author's name."
    )
    authors: StringColumn = pa.Field(
        nullable=True, description="The authors as printed, one per line ('et al' left out)."
    )
    year: IntColumn = pa.Field(nullable=True, description="Year of publication.")
    title: StringColumn = pa.Field(
        nullable=True, description="The title as printed, without its closing period or an '[Internet]' marker."
    )
    journal: StringColumn = pa.Field(nullable=True, description="The journal as printed (NLM abbreviation).")
    volume: StringColumn = pa.Field(nullable=True, description="The journal volume as printed.")
    issue: StringColumn = pa.Field(nullable=True, description="The journal issue as printed.")
    pages: StringColumn = pa.Field(nullable=True, description="Pages or article number as printed, e.g. '45-9', 'e0173921'.")
    pmid: StringColumn = pa.Field(
        nullable=True, str_matches=PMID_PATTERN, description="PubMed ID, digits only ('PubMed: PM29135085' → 29135085)."
    )
    doi: StringColumn = pa.Field(
        nullable=True, str_matches=DOI_PATTERN, description="DOI as printed, without a closing period."
    )
    url: StringColumn = pa.Field(nullable=True, description="The entry's first URL as printed.")


class StudyIndexModel(ContractTable):
    """Rules for the study index: one row per study_id, the reports that summarise it and what each says."""

    study_id: StringColumn = pa.Field(
        unique=True, str_length={"min_value": 1}, description="The study's id, as in studies.study_id."
    )
    report_ids: StringColumn = pa.Field(description="The reports that summarise the study, one per line.")
    n_reports: IntColumn = pa.Field(ge=1, description="How many reports summarise the study.")
    design_labels: StringColumn = pa.Field(
        nullable=True, description="The design label each report gives the study, one 'report_id: label' per line."
    )
    populations: StringColumn = pa.Field(
        nullable=True, description="The population each report gives the study, one 'report_id: population' per line."
    )
