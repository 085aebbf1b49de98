#!/usr/bin/env bash
# Seeds the fuzz corpora from the documented samples and well-formed headers, then
# runs each target for a while. Usage (from crates/hookshield/fuzz):
#   ./seed.sh                 # seed only
#   ./seed.sh run 180         # seed, then run every target for 180 s each
# Stable Rust is enough: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly flags.
set -euo pipefail
cd "$(dirname "$0")"
samples=../samples
mkdir -p corpus/envelope corpus/signature_header corpus/timestamp

selector() {
  case "$1" in
    sentinel) echo 0 ;; docintell) echo 1 ;; sentrasa) echo 2 ;; kyc) echo 3 ;;
    sensei) echo 4 ;; github) echo 5 ;; standard) echo 6 ;;
  esac
}
for dir in "$samples"/*/; do
  provider=$(basename "$dir")
  sel=$(selector "$provider")
  for file in "$dir"*.json; do
    { printf "\\x0$sel"; cat "$file"; } > "corpus/envelope/$provider-$(basename "$file" .json)"
  done
done
# Custom schemes (7, 8, 9) with a Sentinel body.
for sel in 7 8 9; do
  { printf "\\x0$sel"; cat "$samples/sentinel/document.completed.json"; } > "corpus/envelope/custom-$sel"
done

hex=$(printf '0123456789abcdef%.0s' 1 2 3 4)
b64='MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='
for sel in 0 1 2 3 4 5; do printf "\\x0${sel}sha256=$hex" > "corpus/signature_header/sha256-$sel"; done
printf "\\x06v1,$b64 v1a,xyz v1,$b64" > corpus/signature_header/standard
printf "\\x07$hex" > corpus/signature_header/custom-hex
printf "\\x08$b64" > corpus/signature_header/custom-b64
printf "\\x09v1=$b64" > corpus/signature_header/custom-v1

# timestamp, now, tolerance (little-endian i64/i64/u64), then text.
printf '\x00\xf1\x53\x65\x00\x00\x00\x00\x2c\xf1\x53\x65\x00\x00\x00\x00\x2c\x01\x00\x00\x00\x00\x00\x001700000000' > corpus/timestamp/unix
printf '\x00\xf1\x53\x65\x00\x00\x00\x00\x2c\xf1\x53\x65\x00\x00\x00\x00\x2c\x01\x00\x00\x00\x00\x00\x002026-02-02T14:45:30.123Z' > corpus/timestamp/rfc3339

if [ "${1:-}" = run ]; then
  seconds=${2:-180}
  for target in signature_header timestamp envelope; do
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds"
  done
fi
