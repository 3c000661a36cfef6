import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))

from harness.runtime_api import Runtime, RuntimeEmulator  # noqa: E402


@pytest.fixture
def emulator():
    with RuntimeEmulator(timeout_seconds=20) as running:
        yield running


@pytest.fixture
def runtime(emulator):
    """Starts bootstrap with a handler against the emulator: runtime("echo", env={...})."""
    started = []

    def start(handler, env=None, command=None):
        process = Runtime(emulator, command=command, handler=handler, env=env).__enter__()
        started.append(process)
        return process

    yield start
    for process in started:
        process.__exit__(None, None, None)
