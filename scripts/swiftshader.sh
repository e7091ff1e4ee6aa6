#!/usr/bin/env bash
# Puts SwiftShader's Vulkan driver (a software GPU) into .swiftshader/ so that Dawn (the `webgpu`
# npm package) can run real WebGPU compute shaders on a machine without a GPU.
# It comes from Debian's chromium-common package, unpacked with `apt-get download`, never installed.
# Idempotent: does nothing when the driver is already there.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/.swiftshader"
if [ -f "$dest/vk_swiftshader_icd.json" ] && [ -f "$dest/libvk_swiftshader.so" ]; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "swiftshader: apt-get not found; WebGPU tests need SwiftShader from Debian's chromium-common" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# With empty or stale package lists the download fails: refresh them once and try again.
if ! apt-get download chromium-common >/dev/null 2>&1; then
  apt-get update -qq
  apt-get download chromium-common
fi
dpkg-deb --fsys-tarfile chromium-common_*.deb | tar -x ./usr/lib/chromium/libvk_swiftshader.so \
  ./usr/lib/chromium/vk_swiftshader_icd.json ./usr/lib/chromium/libvulkan.so.1
mkdir -p "$dest.tmp"
cp usr/lib/chromium/libvk_swiftshader.so usr/lib/chromium/vk_swiftshader_icd.json usr/lib/chromium/libvulkan.so.1 "$dest.tmp/"
rm -rf "$dest"; mv "$dest.tmp" "$dest"
echo "swiftshader: driver in $dest"
