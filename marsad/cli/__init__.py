"""The `marsad` command line (`app.py`); `main` sets one thread per numeric library before they load."""

from __future__ import annotations

from marsad.threads import default_to_one_thread


def main() -> None:
    """Entry point of the `marsad` command."""
    default_to_one_thread()
    from marsad.cli.app import main as run  # numpy, ONNX Runtime and the rest load only now

    run()
