"""Tests of the `marsad` command line."""
