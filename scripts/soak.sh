#!/usr/bin/env bash
# The long-running variant of the proof suites (issue "Proof under load, faults and hostile input"): the same
# tests as CI runs, with larger counts and a fresh fuzz seed. Start a Kafka broker first (npm run kafka:start)
# for the Kafka faults and the publisher checks; without one those parts are skipped with the reason printed.
# Every count can be overridden from the environment; a failure prints the seed and the case to replay it.
set -euo pipefail
cd "$(dirname "$0")/.."

export LEDGER_FUZZ_SCALE="${LEDGER_FUZZ_SCALE:-5}"          # 50,000+ cases per fuzz suite
export LEDGER_FUZZ_SEED="${LEDGER_FUZZ_SEED:-$(date +%s)}"   # cases CI has not already passed
export LEDGER_CRASH_ROUNDS="${LEDGER_CRASH_ROUNDS:-30}"      # 30 kills during imports, 30 during commands
export LEDGER_LOAD_WRITERS="${LEDGER_LOAD_WRITERS:-16}"
export LEDGER_LOAD_COMMANDS="${LEDGER_LOAD_COMMANDS:-150}"
export PROPERTY_RUNS="${PROPERTY_RUNS:-2000}"                # random histories per bitemporal property
export LEDGER_TAMPER_MUTATIONS="${LEDGER_TAMPER_MUTATIONS:-10000}"

echo "soak: fuzz x${LEDGER_FUZZ_SCALE} (seed ${LEDGER_FUZZ_SEED}), ${LEDGER_CRASH_ROUNDS}+${LEDGER_CRASH_ROUNDS} kills," \
  "${LEDGER_LOAD_WRITERS} writers x ${LEDGER_LOAD_COMMANDS} commands, ${PROPERTY_RUNS} histories, ${LEDGER_TAMPER_MUTATIONS} mutations"
exec npx vitest run test/fuzz test/load test/projections test/audit test/kafka "$@"
