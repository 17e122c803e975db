#!/bin/sh
# Build the Lambda zip's contents into deploy/.build for `sam deploy`.
#
# Wheels for the Lambda platform (manylinux x86_64, CPython 3.12) are installed
# whatever machine this runs on, so the zip works on Lambda, not just here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
rm -rf "$here/.build"
python3 -m pip install --quiet --no-cache-dir \
    --target "$here/.build" \
    --platform manylinux2014_x86_64 --implementation cp --python-version 3.12 \
    --only-binary=:all: \
    "$root"
# The simulator (a local GitHub for the demo, tests and benchmarks) is no part of the
# function: it imports nothing the handler needs, and the handler never imports it.
rm -rf "$here/.build/gh_promotion/simulator"
echo "built $here/.build; now: sam deploy --guided --template-file $here/template.yaml"
