"""A root laid out like Lambda's provided.al2023 sandbox, to run the shipped zip the way Lambda does:
glibc only in /lib64, the function zip at /var/task, the layer at /opt, the CA bundle only at
Amazon Linux's path, /proc, /dev/null and /dev/urandom, and Lambda's environment (LD_LIBRARY_PATH
and friends). Nothing of Debian's is visible to the process: no libcurl, no OpenSSL, no
/etc/ssl. Needs root (chroot, mount)."""
import os
import pathlib
import shutil
import stat
import subprocess
import zipfile

GLIBC_DIR = pathlib.Path("/lib/x86_64-linux-gnu")
GLIBC_FILES = ["ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
               "libresolv.so.2", "libutil.so.1", "libnss_files.so.2", "libnss_dns.so.2"]
# Lambda's own values for provided.al2023 (AWS Lambda docs, "Defined runtime environment variables").
LAMBDA_ENVIRONMENT = {
    "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
    "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    "LAMBDA_TASK_ROOT": "/var/task",
    "LAMBDA_RUNTIME_DIR": "/var/runtime",
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
}
AMAZON_LINUX_CA_BUNDLE = "etc/pki/tls/certs/ca-bundle.crt"


def unzip_with_modes(archive: pathlib.Path, into: pathlib.Path):
    """Unpacks like Lambda does, keeping each entry's Unix mode (zipfile.extractall drops it)."""
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            target = opened.extract(info, into)
            mode = stat.S_IMODE(info.external_attr >> 16)
            if mode:
                os.chmod(target, mode)


class LambdaRoot:
    def __init__(self, folder: pathlib.Path, code_zip: pathlib.Path, layer_zip: pathlib.Path = None,
                 ca_bundle: pathlib.Path = None, system_libcurl: bool = False):
        self.folder = folder
        for directory in ("lib64", "usr/lib64", "var/task", "opt", "proc", "dev", "tmp", "etc", "var/runtime"):
            (folder / directory).mkdir(parents=True, exist_ok=True)
        for name in GLIBC_FILES:
            shutil.copy2(GLIBC_DIR / name, folder / "lib64" / name)
        # The ELF interpreter path every x86-64 binary names.
        for device, minor in (("null", 3), ("urandom", 9)):
            os.mknod(folder / "dev" / device, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
        unzip_with_modes(code_zip, folder / "var" / "task")
        if layer_zip:
            unzip_with_modes(layer_zip, folder / "opt")
        if ca_bundle:
            target = folder / AMAZON_LINUX_CA_BUNDLE
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ca_bundle, target)
        if system_libcurl:
            self.add_system_libcurl()

    def add_system_libcurl(self):
        """Debian's libcurl.so.4 and everything it needs but glibc, in /usr/lib64: an image that does
        ship a libcurl (and another OpenSSL), searched before /var/task/lib."""
        library = pathlib.Path("/usr/lib/x86_64-linux-gnu/libcurl.so.4")
        listing = subprocess.run(["ldd", str(library)], capture_output=True, text=True, check=True).stdout
        closure = [library] + [pathlib.Path(line.split("=>")[1].split()[0]) for line in listing.splitlines()
                               if "=>" in line and "/" in line.split("=>")[1]]
        for path in closure:
            if path.name not in GLIBC_FILES:
                shutil.copy2(path.resolve(), self.folder / "usr" / "lib64" / path.name)

    def command(self, program: str, *arguments: str, environment: dict) -> list:
        """argv that runs `program` inside the root with exactly Lambda's environment plus `environment`.
        /proc is mounted in a private mount namespace, so it disappears with the process."""
        env = dict(LAMBDA_ENVIRONMENT)
        env.update(environment)
        script = 'mount -t proc proc "$0/proc" && exec env -i "$@"'
        return (["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(self.folder)]
                + [f"{name}={value}" for name, value in env.items()]
                + [shutil.which("chroot"), str(self.folder), program, *arguments])
