#!/usr/bin/env bash
# Builds the Provenant enclave image, turns it into an EIF with nitro-cli and writes measurements.json.
# Run from anywhere on a Nitro-enabled build host (see eif-build/README.md for prerequisites).
#
#   eif-build/build.sh [--out DIR] [--tag IMAGE] [--arch x86_64|aarch64]
#                      [--signing-certificate CERT.pem --private-key KEY.pem] [--rebuild-check]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$repo/out/eif"
tag="provenant-enclave:$(git -C "$repo" rev-parse --short=12 HEAD)"
arch=$(uname -m)
cert=""
key=""
rebuild_check=0

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --arch) arch=$2; shift 2 ;;
    --signing-certificate) cert=$2; shift 2 ;;
    --private-key) key=$2; shift 2 ;;
    --rebuild-check) rebuild_check=1; shift ;;
    *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if { [ -n "$cert" ] && [ -z "$key" ]; } || { [ -z "$cert" ] && [ -n "$key" ]; }; then
  echo "build.sh: --signing-certificate and --private-key go together" >&2; exit 2
fi
case "$arch" in
  x86_64) platform=linux/amd64 ;;
  aarch64) platform=linux/arm64 ;;
  *) echo "build.sh: unsupported arch $arch" >&2; exit 2 ;;
esac

if ! git -C "$repo" diff --quiet HEAD; then
  echo "build.sh: warning: the work tree has uncommitted changes; PCR2 will not match a clean build" >&2
fi
# One timestamp for every file in the image: the commit time. With rewrite-timestamp, BuildKit clamps
# layer mtimes to it, so the same commit gives the same layers (and the same PCR2) on any host.
export SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct)
mkdir -p "$out" "$repo/models/out" "$repo/eif-build/enclave"

echo "==> docker buildx build ($platform, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
docker buildx build \
  --platform "$platform" \
  --file "$repo/eif-build/Dockerfile" \
  --build-arg SOURCE_DATE_EPOCH \
  --provenance=false --sbom=false \
  --output "type=docker,name=$tag,rewrite-timestamp=true" \
  "$repo"
image_id=$(docker image inspect --format '{{.Id}}' "$tag")

echo "==> nitro-cli build-enclave"
sign_args=()
if [ -n "$cert" ]; then sign_args=(--signing-certificate "$cert" --private-key "$key"); fi
nitro-cli build-enclave --docker-uri "$tag" --output-file "$out/provenant.eif" "${sign_args[@]}" \
  > "$out/nitro-cli-build.json"

echo "==> measurements.json"
eif() { node "$repo/eif-build/bin/provenant-eif.js" "$@"; }
eif describe "$out/provenant.eif" \
  --measurements-out "$out/measurements.json" \
  --image-reference "$tag" --image-digest "$image_id" \
  --build-input "git-commit=$(git -C "$repo" rev-parse HEAD)" \
  --build-input "source-date-epoch=$SOURCE_DATE_EPOCH" \
  --build-input "nitro-cli=$(nitro-cli --version | tr -d '\n')" \
  --build-input "base-image=$(sed -n 's/^ARG NODE_IMAGE=//p' "$repo/eif-build/Dockerfile")"

# nitro-cli prints its own PCRs; the independent reader must agree with them bit for bit.
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const [nitro, ours] = process.argv.slice(1).map((f) => JSON.parse(readFileSync(f, "utf8")));
  for (const pcr of ["PCR0", "PCR1", "PCR2", "PCR8"]) {
    const a = nitro.Measurements[pcr], b = ours.pcrs[pcr];
    if (a !== b) { console.error(`build.sh: ${pcr} differs: nitro-cli ${a}, provenant ${b}`); process.exit(1); }
  }
  console.log("nitro-cli and provenant agree on every PCR");
' "$out/nitro-cli-build.json" "$out/measurements.json"

if [ "$rebuild_check" = 1 ]; then
  # Rebuild without nitro-cli from the exported filesystem. PCR1 must match (same kernel, cmdline and
  # bootstrap ramdisk, taken from the EIF); PCR2 differs by design: linuxkit keeps tar order, owners and
  # mtimes, our cpio is sorted and zeroed (README: "two build paths").
  echo "==> rebuild from docker export"
  container=$(docker create "$tag")
  trap 'docker rm -f "$container" >/dev/null' EXIT
  docker export "$container" > "$out/rootfs.tar"
  docker image inspect "$tag" > "$out/image-inspect.json"
  eif build-from-rootfs --bootstrap-from-eif "$out/provenant.eif" --rootfs "$out/rootfs.tar" \
    --image-inspect "$out/image-inspect.json" --output "$out/provenant-rootfs.eif" \
    --measurements-out "$out/measurements-rootfs.json" --image-digest "$image_id" \
    --build-time "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%S+00:00)"
fi

cat "$out/measurements.json"
