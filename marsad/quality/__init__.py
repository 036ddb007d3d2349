"""Quality measures on public gold data, shared by benchmarks and tests."""
