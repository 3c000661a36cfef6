"""`make package`: checks that the release `bootstrap` and every library the zip carries load on
provided.al2023, then writes dist/bootstrap.zip and dist/migrations-layer.zip and reports their
sizes and what they carry.

provided.al2023 has glibc 2.34 and GCC 11's libstdc++ (docs/libcurl.md). A file built here may
reference newer symbol versions and would then fail to load there with "version `GLIBC_2.35' not
found". So the check reads each file's ELF header, dynamic section and versioned symbols and refuses:
- an ELF machine other than the functions' `Architectures` in template.yml and serverless.yml;
- any GLIBC_ version above 2.34;
- any GLIBCXX_ version above 3.4.29 (none at all when libstdc++ is linked statically, as here);
- a NEEDED library that is not part of glibc (libcurl is carried in lib/ and loaded with dlopen at
  the first AWS call; it needs only glibc itself).

The zip: bootstrap at the root (mode 755) and lib/libcurl-staging-refresh.so (tools/curl/build.sh).

`python3 tools/package/package.py check FILE...` runs only the check (the tests use it).
"""
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAX_GLIBC = (2, 34)
MAX_GLIBCXX = (3, 4, 29)
# Lambda downloads the zip at each cold start of a new sandbox.
ZIP_GOAL = 6_000_000
ZIP_LIMIT = 8_000_000
# ELF e_machine values (elf.h) of the architectures Lambda runs.
ELF_MACHINES = {62: "x86_64", 183: "arm64"}
CARRIED_LIBRARY = "libcurl-staging-refresh.so"
GLIBC_LIBRARIES = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
                   "libresolv.so.2", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}


def version(text):
    return tuple(int(part) for part in text.split("."))


def elf_architecture(path) -> str:
    """x86_64 or arm64, read from the ELF header's e_machine (little-endian, at offset 18)."""
    header = pathlib.Path(path).read_bytes()[:20]
    if header[:4] != b"\x7fELF":
        raise SystemExit(f"{path} is not an ELF file")
    machine = int.from_bytes(header[18:20], "little")
    return ELF_MACHINES.get(machine, f"e_machine {machine}")


def declared_architectures() -> set[str]:
    """Every Architectures value in template.yml and serverless.yml's provider.architecture."""
    declared = set()
    for name in ("template.yml", "serverless.yml"):
        text = (ROOT / name).read_text()
        declared.update(re.findall(r"^\s*Architectures:\s*\[\s*([a-z0-9_]+)\s*\]", text, re.M))
        declared.update(re.findall(r"^\s*architecture:\s*([a-z0-9_]+)", text, re.M))
    return declared


def problems(binary, architectures=None) -> list[str]:
    """What would keep `binary` from loading on provided.al2023, one line per offending symbol or library."""
    found = []
    architectures = declared_architectures() if architectures is None else architectures
    machine = elf_architecture(binary)
    if {machine} != set(architectures):
        found.append(f"ELF machine {machine}: template.yml and serverless.yml declare {sorted(architectures)}; "
                     f"build for that architecture, or change Architectures in both files")
    dynamic = subprocess.run(["readelf", "-d", "-W", str(binary)], capture_output=True, text=True, check=True).stdout
    for library in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic):
        if library not in GLIBC_LIBRARIES:
            found.append(f"NEEDED {library}: not part of glibc; link it statically (libstdc++: see RELEASE and STATIC_CXX in the Makefile)")
    symbols = subprocess.run(["objdump", "-T", str(binary)], capture_output=True, text=True, check=True).stdout
    for family, number, name in re.findall(r"\((GLIBC|GLIBCXX)_([0-9.]+)\)\s+(\S+)", symbols):
        if family == "GLIBC" and version(number) > MAX_GLIBC:
            found.append(f"{name}@GLIBC_{number}: newer than provided.al2023's glibc 2.34; "
                         f"route it to an older equivalent with --wrap={name} and Sources/GlibcCompat")
        if family == "GLIBCXX" and version(number) > MAX_GLIBCXX:
            found.append(f"{name}@GLIBCXX_{number}: newer than GCC 11's libstdc++ (GLIBCXX_3.4.29); link libstdc++ statically")
    # Version needs without a symbol of their own (GLIBC_ABI_DT_RELR, 2.36) show only here.
    versions = subprocess.run(["readelf", "-V", "-W", str(binary)], capture_output=True, text=True, check=True).stdout
    for name in set(re.findall(r"Name: (GLIBC_[A-Z0-9_.]+)", versions)):
        number = name.removeprefix("GLIBC_")
        if not re.fullmatch(r"[0-9.]+", number) or version(number) > MAX_GLIBC:
            found.append(f"version need {name}: provided.al2023's glibc 2.34 does not define it")
    return sorted(set(found))


def check(*files) -> None:
    for path in files:
        found = problems(path)
        if found:
            raise SystemExit(f"{path} would not load on provided.al2023:\n  " + "\n  ".join(found))
        print(f"{path}: loads on provided.al2023 ({elf_architecture(path)}, glibc ≤ 2.34, no libstdc++ needed, NEEDED only glibc)")


def write_zip(path, entries):
    """entries: (name in the zip, file, mode); fixed timestamps, so the same input gives the same zip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, source, mode in entries:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, pathlib.Path(source).read_bytes(), compresslevel=9)


def package(binary, curl, migrations, dist):
    # The symbol table is 10 MB of the 24 and Lambda downloads the zip at every cold start of a new
    # sandbox; the unstripped binary stays in .build/release to symbolicate a crash address.
    files = sorted(pathlib.Path(migrations).glob("*.sql"))
    # The masking spec (template parameter MaskingSpec) travels beside the migrations.
    specs = sorted(pathlib.Path(migrations).glob("*.json"))
    if not files:
        raise SystemExit(f"no .sql files in {migrations}: set MIGRATIONS=<folder of V<version>__<description>.sql files>")
    dist.mkdir(parents=True, exist_ok=True)
    shipped = dist / "bootstrap"
    subprocess.run(["strip", "-o", str(shipped), str(binary)], check=True)
    # dist/ is laid out like the zip, so dist/bootstrap loads the carried libcurl too (make run).
    (dist / "lib").mkdir(exist_ok=True)
    carried = dist / "lib" / CARRIED_LIBRARY
    shutil.copyfile(curl, carried)
    check(shipped, carried)
    templates = sorted((ROOT / "templates").glob("*.yml")) if (ROOT / "templates").is_dir() else []
    write_zip(dist / "bootstrap.zip", [("bootstrap", shipped, 0o755), (f"lib/{CARRIED_LIBRARY}", carried, 0o755)]
              + [(f"templates/{t.name}", t, 0o644) for t in templates])
    # A layer unpacks under /opt; schema-migration looks in /opt/migrations first.
    write_zip(dist / "migrations-layer.zip", [(f"migrations/{f.name}", f, 0o644) for f in files + specs])
    size = (dist / "bootstrap.zip").stat().st_size
    print(f"{dist / 'bootstrap.zip'}: {size:,} bytes (goal ≤ {ZIP_GOAL:,}, limit {ZIP_LIMIT:,})")
    with zipfile.ZipFile(dist / "bootstrap.zip") as archive:
        for info in archive.infolist():
            print(f"  {info.filename}: {info.file_size:,} bytes, {info.compress_size:,} compressed")
    version = pathlib.Path(curl).with_name("VERSION")
    if version.exists():
        print(f"  carried lib/{CARRIED_LIBRARY}: {version.read_text().strip()}")
    print(f"{dist / 'migrations-layer.zip'}: {(dist / 'migrations-layer.zip').stat().st_size:,} bytes")
    if size > ZIP_LIMIT:
        raise SystemExit(f"dist/bootstrap.zip is {size:,} bytes, over the {ZIP_LIMIT:,}-byte limit set for it (a cold start downloads it)")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        check(*sys.argv[2:])
    elif len(sys.argv) == 5:
        package(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4]))
    else:
        raise SystemExit("usage: package.py BINARY LIBCURL MIGRATIONS_DIR DIST_DIR | package.py check FILE...")
