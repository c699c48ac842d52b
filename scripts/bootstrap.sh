#!/usr/bin/env bash
# Installs what odibi needs to build and test on Debian bookworm, idempotently:
# Debian packages (only those missing) and the pinned DuckDB release from the npm registry.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
third_party="${ODIBI_THIRD_PARTY:-$root/third_party}"

# Debian packages: build tools, libraries, and the real servers/tools the tests start.
packages=(
    build-essential cmake ninja-build pkg-config git curl ca-certificates openssl
    libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libfmt-dev
    libgtest-dev libgmock-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev libpq-dev unixodbc-dev
    python3 python3-pandas clang-format chromium
    # The PostgreSQL server binaries: the catalog tests run initdb into a temp dir (the package's own
    # cluster is not used).
    postgresql
)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# DuckDB v1.4.4 (long-term support): the shared library from the prebuilt Node bindings and the C
# header from the duckdb package's sources. Both are pinned by version and sha512 integrity.
duckdb_version="1.4.4"
library_url="https://registry.npmjs.org/@duckdb/node-bindings-linux-x64/-/node-bindings-linux-x64-1.4.4-r.4.tgz"
library_integrity="sha512-jBTL/WvfwxLToFa/pVHfT6elMtltJGnc3wSuxZD9OfMltit9YUdVFS37vBFQzXMT1Z8OWjtSjMh+zPKxOwHLHA=="
header_url="https://registry.npmjs.org/duckdb/-/duckdb-1.4.4.tgz"
header_integrity="sha512-hEJJ5hyVF0VLj3dmOLpsWrQR0b3d4Ykqtygm6iUXjHJDDnSqg/USKxcb5qvNrOhFYPgktayU6dXCtgPqcmmpog=="

duckdb_dir="$third_party/duckdb-$duckdb_version"

fetch_verified() { # url integrity destination
    local url="$1" integrity="$2" destination="$3"
    curl -fsSL --retry 3 -o "$destination.part" "$url"
    local actual="sha512-$(openssl dgst -sha512 -binary "$destination.part" | base64 -w0)"
    if [ "$actual" != "$integrity" ]; then
        rm -f "$destination.part"
        echo "bootstrap: integrity mismatch for $url" >&2
        echo "  expected $integrity" >&2
        echo "  actual   $actual" >&2
        exit 1
    fi
    mv "$destination.part" "$destination"
}

if [ ! -f "$duckdb_dir/lib/libduckdb.so" ] || [ ! -f "$duckdb_dir/include/duckdb.h" ]; then
    echo "bootstrap: fetching DuckDB $duckdb_version from the npm registry"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    fetch_verified "$library_url" "$library_integrity" "$work/bindings.tgz"
    fetch_verified "$header_url" "$header_integrity" "$work/duckdb.tgz"
    mkdir -p "$work/lib" "$work/include"
    tar -xzf "$work/bindings.tgz" -C "$work/lib" --strip-components=1 package/libduckdb.so
    tar -xzf "$work/duckdb.tgz" -C "$work/include" --strip-components=5 package/src/duckdb/src/include/duckdb.h
    mkdir -p "$duckdb_dir/lib" "$duckdb_dir/include"
    mv "$work/lib/libduckdb.so" "$duckdb_dir/lib/"
    mv "$work/include/duckdb.h" "$duckdb_dir/include/"
fi
echo "bootstrap: ready (DuckDB $duckdb_version in $duckdb_dir)"
