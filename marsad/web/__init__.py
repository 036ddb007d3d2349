"""marsad's web interface and HTTP API (FastAPI): server-rendered pages, each with a JSON twin under /api."""
