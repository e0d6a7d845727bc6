"""Laying out a page: pure geometry from text runs and words to lines, blocks and captions.

No PDF library is imported here. Readers hand over runs and words in PDF points (top-left
origin); what comes back — lines, segments, blocks in reading order, running furniture, captions
— is what the table finders and the metadata reader work on, whatever produced the PDF.
"""
