"""`make package`'s output: the zip holds `bootstrap` at its root with mode 755 and the carried libcurl under
lib/, and the layer holds the SQL files under migrations/ (the handler's /opt/migrations); the shipped
binary and library pass the provided.al2023 check (the template's architecture, glibc ≤ 2.34, no libstdc++,
NEEDED only glibc) and the binary runs; and the check refuses real files that need a newer glibc symbol or
the shared libstdc++, or are built for another machine, naming the offender."""
import pathlib
import stat
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
sys.path.insert(0, str(ROOT / "tools" / "package"))
import package  # noqa: E402


@pytest.fixture(scope="module")
def archives():
    if not (DIST / "bootstrap.zip").exists():
        pytest.fail("dist/bootstrap.zip is missing: run 'make package' (make test runs it first)")
    return zipfile.ZipFile(DIST / "bootstrap.zip"), zipfile.ZipFile(DIST / "migrations-layer.zip")


def test_bootstrap_is_at_the_zip_root_executable_and_is_the_checked_binary(archives, tmp_path):
    code, _ = archives
    info = code.getinfo("bootstrap")
    assert stat.S_IMODE(info.external_attr >> 16) == 0o755 and stat.S_ISREG(info.external_attr >> 16)
    unpacked = tmp_path / "bootstrap"
    unpacked.write_bytes(code.read("bootstrap"))
    unpacked.chmod(0o755)
    assert package.problems(unpacked) == []
    help_text = subprocess.run([str(unpacked), "--help"], capture_output=True, text=True, check=True).stdout
    assert "schema-migration" in help_text


def test_the_zip_carries_its_libcurl_and_nothing_it_needs_is_left_to_the_image(archives, tmp_path):
    code, _ = archives
    assert sorted(code.namelist()) == ["bootstrap", "lib/libcurl-staging-refresh.so", "templates/clone.yml"]
    info = code.getinfo("lib/libcurl-staging-refresh.so")
    assert stat.S_IMODE(info.external_attr >> 16) == 0o755
    carried = tmp_path / "libcurl-staging-refresh.so"
    carried.write_bytes(code.read(info.filename))
    assert package.problems(carried) == []
    dynamic = subprocess.run(["readelf", "-d", "-W", str(carried)], capture_output=True, text=True, check=True).stdout
    assert "Library soname: [libcurl-staging-refresh.so]" in dynamic
    exported = subprocess.run(["nm", "-D", "--defined-only", str(carried)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[-1] for line in exported.splitlines() if line.strip()]
    # OpenSSL stays private: only libcurl's API is visible to the process.
    assert names and all(name.startswith("curl_") for name in names), [n for n in names if not n.startswith("curl_")][:5]
    assert (DIST / "bootstrap.zip").stat().st_size <= package.ZIP_LIMIT


def test_the_check_refuses_another_elf_machine_than_the_templates_declare(tmp_path):
    assert package.declared_architectures() == {"x86_64"}
    binary = compile_c(tmp_path, "plain", "int main(void) { return 0; }\n")
    assert package.problems(binary) == []
    arm = tmp_path / "arm"
    data = bytearray(binary.read_bytes())
    data[18:20] = (183).to_bytes(2, "little")  # EM_AARCH64
    arm.write_bytes(bytes(data))
    found = package.problems(arm)
    assert any(line.startswith("ELF machine arm64: template.yml and serverless.yml declare ['x86_64']") for line in found), found
    assert package.problems(binary, architectures={"arm64"})[0].startswith("ELF machine x86_64")


def test_the_layer_holds_the_migrations_where_the_handler_looks(archives):
    _, layer = archives
    names = layer.namelist()
    samples = ROOT / "tools" / "sample-migrations"
    expected = sorted(f"migrations/{p.name}" for p in [*samples.glob("*.sql"), *samples.glob("*.json")])
    assert sorted(names) == expected and "migrations/masking.json" in expected  # the masking spec travels beside them


def compile_c(tmp_path, name, source, *flags, compiler="gcc"):
    (tmp_path / f"{name}.c").write_text(source)
    subprocess.run([compiler, "-o", str(tmp_path / name), str(tmp_path / f"{name}.c"), *flags], check=True)
    return tmp_path / name


def test_the_check_names_a_symbol_newer_than_glibc_2_34(tmp_path):
    # arc4random arrived in glibc 2.36 (Debian 12's); provided.al2023 has 2.34.
    binary = compile_c(tmp_path, "new-glibc", "#include <stdlib.h>\nint main(void) { return (int)(arc4random() & 1); }\n")
    found = package.problems(binary)
    assert any(line.startswith("arc4random@GLIBC_2.36") and "--wrap=arc4random" in line for line in found), found
    with pytest.raises(SystemExit) as refused:
        package.check(binary)
    assert "would not load on provided.al2023" in str(refused.value)


def test_the_check_refuses_the_shared_libstdcxx(tmp_path):
    (tmp_path / "cxx.cc").write_text("#include <string>\n#include <cstdio>\nint main() { std::string s(40, 'x'); std::puts(s.c_str()); }\n")
    subprocess.run(["g++", "-o", str(tmp_path / "cxx"), str(tmp_path / "cxx.cc")], check=True)
    found = package.problems(tmp_path / "cxx")
    assert any(line.startswith("NEEDED libstdc++.so.6") for line in found), found
