#!/usr/bin/env bash
# Official Fashion-MNIST download (for machines without Debian's dataset-fashion-mnist),
# verified by SHA-256 against data/fashion-mnist.sha256.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest="$here/fashion-mnist"; mkdir -p "$dest"
base=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com
while read -r sum file; do
  if [ ! -f "$dest/$file" ]; then
    curl -fsSL -o "$dest/$file.part" "$base/$file"
    mv -f "$dest/$file.part" "$dest/$file"
  fi
  echo "$sum  $dest/$file" | sha256sum -c --quiet - || { echo "checksum mismatch for $dest/$file: delete it and run again" >&2; exit 1; }
done < "$here/fashion-mnist.sha256"
