"""Inputs that are not articles though they read as text: a PDF file, or the source of one."""

from __future__ import annotations

import re

# Distinct marks of PDF syntax; a text showing this many of them is a PDF's source, not prose.
PDF_MARKS_NEEDED = 2
_PDF_SAMPLE_BYTES = 64 * 1024
_PDF_MARKS = tuple(re.compile(pattern, re.MULTILINE) for pattern in (
    rb"<<\s*/[A-Z][A-Za-z]*",  # a dictionary: << /Type ...
    rb"/Type\s*/(?:Catalog|Pages?|Font|XObject|Annot|Outlines|Metadata)\b",
    rb"^\s*\d+\s+\d+\s+obj\b",  # 1 0 obj
    rb"\bendobj\s*$",
    rb"/[A-Z][A-Za-z]*\s+\d+\s+\d+\s+R\b",  # a key with an indirect reference: /Pages 2 0 R
    rb">>\s*stream\r?$",
    rb"^(?:startxref|xref|trailer)\s*$",
    rb"^%%EOF\s*$",
))


def looks_like_pdf(raw: bytes) -> bool:
    """True for a PDF file or text holding PDF syntax (<< /Type /Catalog >>, 1 0 obj, endobj)."""
    if raw[:1024].lstrip().startswith(b"%PDF-"):
        return True
    sample = raw[:_PDF_SAMPLE_BYTES]
    return sum(bool(mark.search(sample)) for mark in _PDF_MARKS) >= PDF_MARKS_NEEDED


PDF_PROBLEM = "a PDF file or the source of one, not article text; extract its text first (e.g. pdftotext)"
