"""Where the per-article stages run: this process, a local worker pool, or a Dask cluster.

The engines only schedule: the work itself is `marsad.stages` (plain functions
over records) and every decision that needs the store is `marsad.writer`'s.
"""
