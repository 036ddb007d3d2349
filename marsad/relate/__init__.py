"""Relating understood articles: entities across a story, claim alignment, per-story results."""
