#!/usr/bin/env bash
# Makes sure the commit before HEAD is in the clone, for the breaking-change gate (`--base HEAD~1`).
# A shallow clone (GitHub Actions' default is one commit) is deepened from its remote; prints
# `HEAD~1` when the base is there, and nothing (with the reason on standard error) when the
# repository truly has no previous commit. Exits 1 when the history exists but cannot be fetched.
set -euo pipefail

has_parent() { git rev-parse --verify --quiet 'HEAD~1^{commit}' >/dev/null; }

if ! has_parent && [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  remote="$(git remote | head -n 1)"
  if [ -z "$remote" ]; then
    echo "ci-history: this clone is shallow and has no remote to fetch HEAD~1 from; clone with more history (fetch-depth: 2)" >&2
    exit 1
  fi
  echo "ci-history: shallow clone; fetching one more commit from $remote" >&2
  git fetch --quiet --deepen=1 "$remote" || git fetch --quiet --unshallow "$remote"
  if ! has_parent; then
    echo "ci-history: fetching from $remote did not bring HEAD~1; clone with more history (fetch-depth: 2)" >&2
    exit 1
  fi
fi
if has_parent; then
  echo 'HEAD~1'
else
  echo "ci-history: HEAD is the repository's first commit: there is no previous commit to compare with" >&2
fi
