"""Instructions per warm invocation, counted by callgrind: unlike time on this shared machine, the count
repeats run after run. Each runtime serves 1 and then 1 + N invocations of a 1 KiB event under
valgrind; the difference over N is its own per-invocation work (the kernel's is not counted)."""
import os
import pathlib
import re
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "Tests" / "support"))

from harness.runtime_api import Runtime, RuntimeEmulator  # noqa: E402

EVENT = b'{"k":"' + b"x" * 1000 + b'"}'


def collected(command, invocations, handler="echo"):
    with tempfile.TemporaryDirectory() as directory:
        out = pathlib.Path(directory) / "callgrind.out"
        with RuntimeEmulator(timeout_seconds=120) as emulator:
            runtime = Runtime(emulator, command=["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command], handler=handler)
            with runtime:
                for _ in range(invocations):
                    emulator.invoke(EVENT, timeout=120)
                runtime.stop(timeout=120)
        match = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.M)
        if not match:
            raise RuntimeError(f"callgrind wrote no totals for {command}: {runtime.logs[-500:]}")
        return int(match.group(1))


def per_invocation(command, invocations=2000):
    return (collected(command, invocations + 1) - collected(command, 1)) / invocations


def main(floor, bootstrap):
    # The emulator from the release build, as the rest of make bench uses.
    os.environ.setdefault("BUILD_DIR", str(pathlib.Path(__file__).resolve().parents[2] / ".build" / "release"))
    return {"floor": per_invocation([str(floor)]), "bootstrap": per_invocation([str(bootstrap)])}


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2]))
