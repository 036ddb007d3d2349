"""Understanding an article once, at ingest: its annotation record, how it is made and stored."""
