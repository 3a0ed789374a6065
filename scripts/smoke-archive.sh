#!/bin/sh
# Smoke test of a release archive as a user unpacks it (release.yml runs it on each runner, and
# in Alpine for musl; POSIX sh, so busybox runs it too):
#
#   sh scripts/smoke-archive.sh <archive.tar.gz|archive.zip> <version> [<build directory>]
#
# Unpacks it into a fresh directory, checks that it holds the executable, LICENSE and README.md
# and nothing else, that the executable's --help names the README beside it and never the
# build directory (default $GITHUB_WORKSPACE; issue 21.5), then runs scripts/smoke.mjs on the
# unpacked executable and on a copy of it named ecr-credential-provider.
set -eu

archive="$1"
version="$2"
build="${3:-${GITHUB_WORKSPACE:-}}"
here="$(cd "$(dirname "$0")" && pwd)"

fail() {
  echo "::error::$archive: $*" >&2
  exit 1
}

temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
if command -v cygpath > /dev/null; then temp="$(cygpath -u "$temp")"; fi
# Its physical path: the executable names its own (macOS's /var is a link to /private/var).
dir="$(cd "$(mktemp -d "$temp/unpacked.XXXXXX")" && pwd -P)"
case "$archive" in
  *.zip)
    exe=.exe
    if command -v unzip > /dev/null; then unzip -q "$archive" -d "$dir"; else 7z x -bso0 -bsp0 "-o$dir" "$archive"; fi
    ;;
  *.tar.gz)
    exe=''
    tar -xzf "$archive" -C "$dir"
    ;;
  *) fail "not a .tar.gz or .zip" ;;
esac

found="$(cd "$dir" && ls -A | sort | tr '\n' ' ')"
expected="$(printf '%s\n' LICENSE README.md "docker-credential-ecr-login$exe" | sort | tr '\n' ' ')"
[ "$found" = "$expected" ] || fail "holds \"$found\", not \"$expected\""
helper="$dir/docker-credential-ecr-login$exe"
echo "ok - holds $found"

# Windows programs print Windows paths (D:\a\_temp\…).
readme="$dir/README.md"
if command -v cygpath > /dev/null; then readme="$(cygpath -w "$dir")\\README.md"; fi
help="$("$helper" --help)" || fail "--help failed"
more="$(printf '%s\n' "$help" | sed -n 's/^Each command has its own --help\. More: //p')"
[ "$more" = "$readme" ] || fail "--help ends with \"More: $more\", not the README beside the executable ($readme)"
if [ -n "$build" ] && printf '%s\n' "$help" | grep -F -- "$build" > /dev/null; then
  fail "--help names the build directory $build"
fi
echo "ok - --help names the README beside the executable, and no directory of the build"

cp "$helper" "$dir/ecr-credential-provider$exe"
node "$here/smoke.mjs" --helper "$helper" --provider "$dir/ecr-credential-provider$exe" --version "$version"
rm -rf "$dir"
