"""What a report says about itself, outside its study tables: one module per kind of section.

The metadata reader works on blocks, which every reader yields, so text and PDF input are read
alike; `report.report_meta` is the entry point.
"""
