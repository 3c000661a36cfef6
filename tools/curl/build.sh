#!/usr/bin/env bash
# Builds the libcurl the zip carries: Debian's curl source package (upstream CURL_UPSTREAM with
# Debian's security patches), HTTP and HTTPS only, with Debian's static OpenSSL linked in, as one
# shared library that needs nothing but glibc. bootstrap dlopens it from lib/ beside itself at the
# first AWS call. Why this and not Debian's shared libcurl: docs/libcurl.md.
#
#   tools/curl/build.sh OUT_DIR    writes OUT_DIR/libcurl-staging-refresh.so and OUT_DIR/VERSION
set -euo pipefail

CURL_UPSTREAM="${CURL_UPSTREAM:-7.88.1}"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
work="$out/src"
here="$(cd "$(dirname "$0")" && pwd)"

# apt-get source needs deb-src entries; add them beside the machine's deb ones when absent.
if ! apt-get source --print-uris curl >/dev/null 2>&1; then
    for list in /etc/apt/sources.list.d/*.sources; do
        grep -q '^Types: deb$' "$list" || continue
        sed 's/^Types: deb$/Types: deb-src/' "$list" > "/etc/apt/sources.list.d/staging-refresh-src-$(basename "$list")"
    done
    apt-get update -qq
fi

rm -rf "$work" && mkdir -p "$work"
(cd "$work" && apt-get source --download-only curl >/dev/null 2>&1) || {
    echo "tools/curl/build.sh: apt-get source curl failed: is a Debian mirror reachable?" >&2; exit 1; }
dsc="$(ls "$work"/curl_*.dsc)"
debian_version="$(sed -n 's/^Version: //p' "$dsc")"
case "$debian_version" in
    "$CURL_UPSTREAM"-*) ;;
    *) echo "tools/curl/build.sh: Debian now serves curl $debian_version, not $CURL_UPSTREAM: check the configure options below against its docs, then set CURL_UPSTREAM" >&2; exit 1 ;;
esac
(cd "$work" && dpkg-source --no-check -x "$(basename "$dsc")" curl >/dev/null)

cd "$work/curl"
# Every protocol but HTTP(S), every optional dependency, and every feature an AWS client does not
# use are off; the threaded resolver stays so a DNS lookup obeys the call's timeout.
CFLAGS="-O2 -fPIC -ffunction-sections -fdata-sections" ./configure --quiet \
    --disable-shared --enable-static --disable-symbol-hiding --with-openssl \
    --disable-dict --disable-file --disable-ftp --disable-gopher --disable-imap --disable-mqtt \
    --disable-pop3 --disable-rtsp --disable-smb --disable-smtp --disable-telnet --disable-tftp \
    --disable-ldap --disable-ldaps --without-libpsl --without-brotli --without-zstd --without-nghttp2 \
    --without-libidn2 --without-librtmp --without-libssh2 --without-zlib --disable-manual --disable-ntlm \
    --without-gssapi --disable-alt-svc --disable-hsts \
    --disable-cookies --disable-doh --disable-mime --disable-netrc --disable-progress-meter \
    --disable-unix-sockets --without-ca-bundle --without-ca-path --without-ca-fallback >/dev/null
make -C lib -j"$(nproc)" >/dev/null

# The version script exports curl_* only: OpenSSL stays private to this library, so it can never
# bind to (or be bound by) another OpenSSL in the process or on the image.
gcc -shared -o "$out/libcurl-staging-refresh.so.full" \
    -Wl,-soname,libcurl-staging-refresh.so -Wl,--version-script="$here/exports.map" -Wl,--gc-sections -Wl,-z,defs \
    -Wl,--whole-archive lib/.libs/libcurl.a -Wl,--no-whole-archive \
    "$(gcc -print-file-name=libssl.a)" "$(gcc -print-file-name=libcrypto.a)" -lpthread -ldl
strip -o "$out/libcurl-staging-refresh.so" "$out/libcurl-staging-refresh.so.full"
rm -f "$out/libcurl-staging-refresh.so.full"
openssl_version="$(dpkg-query -W -f '${Version}' libssl-dev)"
echo "curl $debian_version (Debian source), OpenSSL $openssl_version (Debian libssl-dev, static)" > "$out/VERSION"
rm -rf "$work"
cat "$out/VERSION"
