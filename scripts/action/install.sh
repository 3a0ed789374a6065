#!/usr/bin/env bash
# The GitHub Action's work (action.yml runs it; Linux, macOS, and Windows in Git Bash):
# downloads the release executable for the runner's OS and architecture, checks it against the
# release's SHA256SUMS, installs it into a directory of this job's that goes first on PATH (for
# this script and, through GITHUB_PATH, for every later step), and runs `configure` for the
# registries. No password is written anywhere: configure routes the registries to the helper
# (credHelpers), which asks ECR for a token with the job's AWS credentials when docker pulls.
#
# Inputs, from the environment (action.yml maps its inputs to them):
#   ECR_LOGIN_REGISTRIES       hosts, separated by newlines, commas or spaces (required)
#   ECR_LOGIN_PROFILE          AWS profile for those registries (settings file), optional
#   ECR_LOGIN_ROLE             role ARN to assume for them (settings file), optional
#   ECR_LOGIN_CONTAINERS_AUTH  true: also the containers auth file (podman, skopeo, buildah)
#   ECR_LOGIN_VERSION          release tag (v1.2.3 or 1.2.3) or "latest"; empty: the action's
#                              own ref when it is a release tag (@v1.2.3), else the latest
#                              release with a warning that it is not pinned, and for a major
#                              tag (@v1) only if the latest release is of that major version
#   ECR_LOGIN_ACTION_REPOSITORY, ECR_LOGIN_ACTION_REF   the action's repository and ref
#   ECR_LOGIN_RELEASE_BASE_URL where releases are (default <server>/<repository>/releases):
#                              assets at <base>/download/<tag>/<asset>; <base>/latest leads
#                              (redirects) to <base>/tag/<tag>; a test points it at file://
#   ECR_LOGIN_RELEASE_LATEST_URL  where <base>/latest leads, for a test's file:// release
#                              (no redirects there); unset, curl follows <base>/latest
# and the runner's RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT.
set -euo pipefail

NAME=docker-credential-ecr-login

# A workflow command (error, warning) with `message` escaped as GitHub documents, so input
# quoted in it cannot end the line and start a command of its own:
# https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
annotate() {
  local text="$2"
  text="${text//'%'/%25}"
  text="${text//$'\r'/%0D}"
  text="${text//$'\n'/%0A}"
  echo "::$1 title=docker-credential-ecr-login::$text" >&2
}

fail() {
  annotate error "$*"
  exit 1
}

# The release target of this runner, as release.yml names its assets.
target() {
  local os arch
  case "${RUNNER_OS:-}" in
    Linux) os=linux ;;
    macOS) os=darwin ;;
    Windows) os=windows ;;
    *) fail "unsupported RUNNER_OS \"${RUNNER_OS:-}\": the release has executables for Linux, macOS and Windows" ;;
  esac
  case "${RUNNER_ARCH:-}" in
    X64) arch=x64 ;;
    ARM64) arch=arm64 ;;
    *) fail "unsupported RUNNER_ARCH \"${RUNNER_ARCH:-}\": the release has executables for X64 and ARM64" ;;
  esac
  # Windows on Arm runs the x64 executable (emulated); there is no arm64 build for it.
  [ "$os" = windows ] && arch=x64
  local suffix=''
  # A job container on Alpine (musl): the glibc build would not start there. Asked of the C
  # library itself (its ldd): a musl loader in /lib proves nothing, Debian's musl package
  # installs one beside glibc.
  if [ "$os" = linux ]; then
    case "$(ldd --version 2>&1 || true)" in
      *musl*) suffix=-musl ;;
    esac
  fi
  echo "$os-$arch$suffix"
}

RELEASE_TAG='^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$'

# Which release: sets TAG (a release tag, or "latest"), UNPINNED (true when the latest is
# taken only because neither the input nor the action's ref names a release) and MAJOR (the
# major version a ref such as v1 asks for, else empty).
choose_release() {
  local version="${ECR_LOGIN_VERSION:-}" ref="${ECR_LOGIN_ACTION_REF:-}"
  UNPINNED=false
  MAJOR=''
  if [ -z "$version" ]; then
    if [[ "$ref" =~ $RELEASE_TAG ]]; then
      version="$ref"
    else
      version=latest
      UNPINNED=true
      if [[ "$ref" =~ ^v([0-9]+)$ ]]; then MAJOR="${BASH_REMATCH[1]}"; fi
    fi
  fi
  if [ "$version" = latest ]; then TAG=latest; return; fi
  [[ "v${version#v}" =~ $RELEASE_TAG ]] || fail "version \"$version\" is not a release tag (v1.2.3) or \"latest\""
  TAG="v${version#v}"
}

# The tag of the latest release, asked once so that the executable and SHA256SUMS both come
# from that one release (two "latest" downloads could straddle a release being published).
# GitHub's <base>/latest redirects to <base>/tag/<tag>.
latest_tag() {
  local base="$1" led_to
  if [ -n "${ECR_LOGIN_RELEASE_LATEST_URL:-}" ]; then
    led_to="$ECR_LOGIN_RELEASE_LATEST_URL"
  else
    led_to="$(curl ${CURL_PROTO[@]+"${CURL_PROTO[@]}"} --fail --silent --show-error --location --retry 3 --head \
      --output /dev/null --write-out '%{url_effective}' -- "$base/latest")" || fail "could not ask $base/latest which release is the latest"
  fi
  local tag="${led_to##*/}"
  [[ "$led_to" == "$base/tag/$tag" && "$tag" =~ $RELEASE_TAG ]] ||
    fail "could not tell the latest release: $base/latest led to $led_to, not to $base/tag/<release tag>"
  echo "$tag"
}

# TAG "latest" made the tag of the latest release, if the action's ref allows it (a major tag
# v1: only a v1.x.y); warned about when neither the input nor the ref pinned a release.
resolve_latest() {
  TAG="$(latest_tag "$1")"
  if [ -n "$MAJOR" ] && [ "${TAG%%.*}" != "v$MAJOR" ]; then
    fail "this action's ref v$MAJOR asks for a v$MAJOR release, but the latest release is $TAG: not installed; pin a release with the input version (version: v$MAJOR.x.y) or the action's ref (@v$MAJOR.x.y)"
  fi
  if [ "$UNPINNED" = true ]; then
    annotate warning "the executable is not pinned: this action's ref \"${ECR_LOGIN_ACTION_REF:-}\" is not a release tag, so the latest release ($TAG) is installed, and a later run may install another; pin it with the input version (version: $TAG) or use the action at a release tag (@$TAG)"
  fi
}

# github.action_repository and github.action_ref are not promised inside a composite action
# (actions/runner#2473); the directory the runner checked the action out to names both:
# <runner>/_actions/<owner>/<repo>/<ref>.
action_from_path() {
  local dir
  dir="$(bash_path "${GITHUB_ACTION_PATH:-}")"
  if [[ "$dir" =~ /_actions/([^/]+)/([^/]+)/([^/]+)/?$ ]]; then
    : "${ECR_LOGIN_ACTION_REPOSITORY:=${BASH_REMATCH[1]}/${BASH_REMATCH[2]}}"
    : "${ECR_LOGIN_ACTION_REF:=${BASH_REMATCH[3]}}"
  fi
}

sha256_of() {
  if command -v sha256sum > /dev/null; then
    sha256sum -- "$1" | cut -d' ' -f1
  else
    shasum -a 256 -- "$1" | cut -d' ' -f1
  fi
}

download() {
  curl ${CURL_PROTO[@]+"${CURL_PROTO[@]}"} --fail --silent --show-error --location --retry 3 --output "$2" -- "$1" || fail "could not download $1"
}

# A path as GitHub's runner and Windows programs read it (D:\a\_temp\…), and as bash does.
native_path() { if command -v cygpath > /dev/null; then cygpath -w "$1"; else echo "$1"; fi; }
bash_path() { if command -v cygpath > /dev/null; then cygpath -u "$1"; else echo "$1"; fi; }

main() {
  # Split on separators only, never expanded as globs.
  set -f
  local registries
  registries="$(printf '%s' "${ECR_LOGIN_REGISTRIES:-}" | tr ',\r\n\t' '    ')"
  [ -n "${registries// /}" ] || fail "the input \"registries\" is empty: name at least one registry host"
  local containers_auth="${ECR_LOGIN_CONTAINERS_AUTH:-false}"
  case "$containers_auth" in
    true | false) ;;
    *) fail "containers-auth must be true or false, not \"$containers_auth\"" ;;
  esac

  local target exe='' tag base url
  if [ -z "${ECR_LOGIN_ACTION_REPOSITORY:-}" ] || [ -z "${ECR_LOGIN_ACTION_REF:-}" ]; then action_from_path; fi
  target="$(target)"
  [[ "$target" == windows-* ]] && exe=.exe
  local asset="$NAME-$target$exe"
  choose_release
  base="${ECR_LOGIN_RELEASE_BASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/${ECR_LOGIN_ACTION_REPOSITORY:-${GITHUB_REPOSITORY:-}}/releases}"
  base="${base%/}"
  # Over https, curl may follow no redirect to anything else (http, file); a test's file:// stays allowed.
  CURL_PROTO=()
  [[ "$base" != https://* ]] || CURL_PROTO=(--proto '=https' --proto-redir '=https')
  local latest=false
  if [ "$TAG" = latest ]; then
    latest=true
    resolve_latest "$base"
  fi
  tag="$TAG"
  url="$base/download/$tag"

  # Downloaded and checked in a directory of its own; installed only once it matches.
  local temp
  temp="$(bash_path "${RUNNER_TEMP:?RUNNER_TEMP is not set}")"
  local staging="$temp/$NAME-download"
  rm -rf "$staging"
  mkdir -p "$staging"
  if [ "$latest" = true ]; then echo "Downloading $asset ($tag, the latest release) from $url"; else echo "Downloading $asset ($tag) from $url"; fi
  download "$url/SHA256SUMS" "$staging/SHA256SUMS"
  download "$url/$asset" "$staging/$asset"
  local expected actual
  expected="$(awk -v name="$asset" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$staging/SHA256SUMS")"
  [ -n "$expected" ] || fail "SHA256SUMS of $tag has no line for $asset"
  actual="$(sha256_of "$staging/$asset")"
  if [ "$actual" != "$expected" ]; then
    rm -rf "$staging"
    fail "$asset does not match SHA256SUMS of $tag (expected $expected, got $actual): not installed"
  fi

  local bin="$temp/$NAME/bin"
  rm -rf "$bin"
  mkdir -p "$bin"
  mv "$staging/$asset" "$bin/$NAME$exe"
  chmod 755 "$bin/$NAME$exe"
  rm -rf "$staging"
  # GITHUB_PATH puts the directory before the rest of PATH in every later step: docker finds
  # this helper, not one the runner image has.
  native_path "$bin" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
  export PATH="$bin:$PATH"
  [ -z "${GITHUB_OUTPUT:-}" ] || echo "path=$(native_path "$bin/$NAME$exe")" >> "$GITHUB_OUTPUT"
  echo "Installed $("$bin/$NAME$exe" version | head -n 1) as $bin/$NAME$exe"

  local args=() host
  for host in $registries; do args+=(--registry "$host"); done
  [ -z "${ECR_LOGIN_PROFILE:-}" ] || args+=(--profile "$ECR_LOGIN_PROFILE")
  [ -z "${ECR_LOGIN_ROLE:-}" ] || args+=(--role-arn "$ECR_LOGIN_ROLE")
  "$bin/$NAME$exe" configure "${args[@]}"
  if [ "$containers_auth" = true ]; then
    args=()
    for host in $registries; do args+=(--registry "$host"); done
    "$bin/$NAME$exe" configure --containers-auth "${args[@]}"
  fi
}

main "$@"
