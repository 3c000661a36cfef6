"""Where the Swift build put the binaries the harness runs."""
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[3]


def binary(name: str) -> pathlib.Path:
    """The binary from BUILD_DIR (default: the debug build), failing with the command to run."""
    build_dir = pathlib.Path(os.environ.get("BUILD_DIR", ROOT / ".build" / "debug"))
    path = build_dir / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run 'make build' (or swift build) first")
    return path
