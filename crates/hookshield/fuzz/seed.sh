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

# The selector byte of each scheme (crates/hookshield/fuzz/src/lib.rs), as an octal escape.
selector() {
  case "$1" in
    sentinel) echo 000 ;; docintell) echo 001 ;; sentrasa) echo 002 ;; kyc) echo 003 ;;
    sensei) echo 004 ;; github) echo 005 ;; standard) echo 006 ;; stripe) echo 007 ;;
    svix) echo 010 ;; slack) echo 011 ;; shopify) echo 012 ;; paddle) echo 013 ;;
  esac
}
for dir in "$samples"/*/; do
  provider=$(basename "$dir")
  sel=$(selector "$provider")
  find "$dir" -name '*.json' | while read -r file; do
    name=$(basename "$file" .json)
    { printf "\\$sel"; cat "$file"; } > "corpus/envelope/$provider-$name"
  done
done
# Custom schemes (12 to 16) with a Sentinel body.
for sel in 014 015 016 017 020; do
  { printf "\\$sel"; cat "$samples/sentinel/document.completed.json"; } > "corpus/envelope/custom-$sel"
done
# Slack's forms: a slash command's fields, an interactivity payload.
printf '\011command=%%2Fweather&text=94070&trigger_id=1.2.3' > corpus/envelope/slack-command
printf '\011payload=%%7B%%22type%%22%%3A%%22block_actions%%22%%7D' > corpus/envelope/slack-payload

hex=$(printf '0123456789abcdef%.0s' 1 2 3 4)
b64='MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='
for sel in 0 1 2 3 4 5; do printf "\\x0${sel}sha256=$hex" > "corpus/signature_header/sha256-$sel"; done
printf "\\x06v1,$b64 v1a,xyz v1,$b64" > corpus/signature_header/standard
printf "\\x07t=1700000000,v1=$hex,v0=$hex" > corpus/signature_header/stripe
printf "\\x08v1,$b64" > corpus/signature_header/svix
printf "\\x09v0=$hex" > corpus/signature_header/slack
printf "\\x0a$b64" > corpus/signature_header/shopify
printf "\\x0bts=1700000000;h1=$hex;h1=$hex" > corpus/signature_header/paddle
printf "\\x0c$hex" > corpus/signature_header/custom-hex
printf "\\x0d$b64" > corpus/signature_header/custom-b64
printf "\\x0ev1=$b64" > corpus/signature_header/custom-v1
printf "\\x0fts=1700000000000;s1=$hex" > corpus/signature_header/custom-structured
printf "\\x10T=1700000000,v1=$b64" > corpus/signature_header/custom-stripe-like

# timestamp, now, tolerance (little-endian i64/i64/u64), then text.
printf '\x00\xf1\x53\x65\x00\x00\x00\x00\x2c\xf1\x53\x65\x00\x00\x00\x00\x2c\x01\x00\x00\x00\x00\x00\x001700000000' > corpus/timestamp/unix
printf '\x00\xf1\x53\x65\x00\x00\x00\x00\x2c\xf1\x53\x65\x00\x00\x00\x00\x2c\x01\x00\x00\x00\x00\x00\x002026-02-02T14:45:30.123Z' > corpus/timestamp/rfc3339

if [ "${1:-}" = run ]; then
  seconds=${2:-180}
  for target in signature_header timestamp envelope; do
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds"
  done
fi
