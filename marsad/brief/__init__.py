"""The story brief: what a set of articles says, on whose word, where outlets differ, every line cited."""
