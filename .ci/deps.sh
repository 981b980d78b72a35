#!/bin/sh
# `make deps`: checks every dependency and installs what is missing
# (clang for `make fuzz` too, but its absence never fails).
# As root on Debian/Ubuntu it runs apt-get; otherwise it prints the exact
# command for Debian/Ubuntu, Fedora and Homebrew and stops.
# Each line: what to check | Debian/Ubuntu package | Fedora package | Homebrew formula
set -u
DEPS='pkg:ncursesw|libncurses-dev|ncurses-devel|ncurses
pkg:yaml-0.1|libyaml-dev|libyaml-devel|libyaml
pkg:cmocka|libcmocka-dev|libcmocka-devel|cmocka
pkg:cairo|libcairo2-dev|cairo-devel|cairo
cmd:pkg-config|pkg-config|pkgconf-pkg-config|pkg-config
cmd:cc|gcc|gcc|gcc
cmd:make|make|make|make
cmd:tmux|tmux|tmux|tmux'

have() {
    case "$1" in
    pkg:*) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "${1#pkg:}" ;;
    cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
    esac
}

missing_deb='' missing_rpm='' missing_brew='' missing_what=''
# Reading from a here-document keeps the loop in this shell, so the
# variables it sets survive the loop.
while IFS='|' read -r what deb rpm brew; do
    if ! have "$what"; then
        missing_what="$missing_what ${what#*:}"
        missing_deb="$missing_deb $deb"
        missing_rpm="$missing_rpm $rpm"
        missing_brew="$missing_brew $brew"
    fi
done <<LIST
$DEPS
LIST

# Optional: clang with libFuzzer, for `make fuzz` (docs/fuzzing.md). The
# build and the tests do not need it, so its absence is not an error.
if ! sh "$(dirname "$0")/../tests/fuzz/clang-ok.sh" clang; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "virtsim: installing clang (with libFuzzer) for make fuzz"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang ||
            { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang; } ||
            echo "virtsim: apt-get could not install clang; make fuzz will not run (the rest does not need it)" >&2
    else
        cat >&2 <<MSG
virtsim: optional: make fuzz needs clang with libFuzzer; to install it:
  Debian/Ubuntu:  sudo apt-get install -y clang
  Fedora:         sudo dnf install -y clang compiler-rt
  macOS Homebrew: brew install llvm (then make fuzz FUZZ_CC=\$(brew --prefix llvm)/bin/clang)
MSG
    fi
fi

[ -z "$missing_what" ] && exit 0

echo "virtsim: missing:$missing_what"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! apt-get install -y --no-install-recommends $missing_deb; then
        echo "virtsim: a package was not found; updating the package lists and trying again"
        apt-get update && apt-get install -y --no-install-recommends $missing_deb || {
            echo "virtsim: apt-get could not install:$missing_deb" >&2
            exit 1
        }
    fi
    exit 0
fi

cat >&2 <<MSG
virtsim: install the missing dependencies, then run make again:
  Debian/Ubuntu:  sudo apt-get install -y$missing_deb
  Fedora:         sudo dnf install -y$missing_rpm
  macOS Homebrew: brew install$missing_brew
MSG
exit 1
