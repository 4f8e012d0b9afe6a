#!/usr/bin/env bash
# Rebuilds the placeholder librdkafka.redist package into the repository's folder feed (nuget/local).
# A .nupkg is a zip with the .nuspec at its root; this one has no other content. Deterministic output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../local/librdkafka.redist.1.9.2.nupkg"
mkdir -p "$(dirname "$out")"
python3 - "$here/librdkafka.redist.nuspec" "$out" <<'PY'
import sys, zipfile
nuspec, out = sys.argv[1], sys.argv[2]
types = ('<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="nuspec" ContentType="application/octet" /></Types>')
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in (("librdkafka.redist.nuspec", open(nuspec, "rb").read()), ("[Content_Types].xml", types.encode())):
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
PY
echo "wrote $out"
