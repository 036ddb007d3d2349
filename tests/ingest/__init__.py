"""Tests of marsad.ingest: decoding, input formats, bad input."""
