#!/usr/bin/env bash
# Render an HTML page (e.g. from `tiltak render --format html`) to a PNG with headless
# Chromium, to look at what a browser shows.
#
# Usage: scripts/screenshot-html.sh PAGE.html OUT.png [WIDTHxHEIGHT]
#   WIDTHxHEIGHT defaults to 1200x2400 (CSS pixels); the shot is cut at HEIGHT.
# Example:
#   tiltak render --period 2014-03 --format html --output /tmp/2014-03.html
#   scripts/screenshot-html.sh /tmp/2014-03.html /tmp/2014-03.png 1200x9000
#
# Needs chromium (Debian/Ubuntu: apt-get update && apt-get install -y chromium);
# CHROMIUM=/path/to/binary picks another build. Exit code 2 when none is found.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 64
fi
page=$1
png=$2
size=${3:-1200x2400}
if [[ ! $size =~ ^[0-9]+x[0-9]+$ ]]; then
    echo "Error: size must be WIDTHxHEIGHT, e.g. 1200x2400, not '$size'" >&2
    exit 64
fi
if [[ ! -f $page ]]; then
    echo "Error: no such file: $page" >&2
    exit 66
fi

browser=${CHROMIUM:-}
if [[ -z $browser ]]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null; then
            browser=$candidate
            break
        fi
    done
fi
if [[ -z $browser ]]; then
    echo "Error: chromium not found (apt-get install -y chromium, or set CHROMIUM)" >&2
    exit 2
fi

# A private, throw-away profile: no first-run dialogs, no state left behind.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
page_url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
png_abs="$(cd "$(dirname "$png")" && pwd)/$(basename "$png")"

"$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --hide-scrollbars --user-data-dir="$profile" \
    --window-size="${size/x/,}" --screenshot="$png_abs" "$page_url" >/dev/null 2>&1

if [[ ! -s $png_abs ]]; then
    echo "Error: chromium wrote no screenshot to $png_abs" >&2
    exit 1
fi
echo "$png_abs"
