#!/usr/bin/env bash
# The C API from real C: rdl.h must compile as C99 with -Wall -Wextra
# -Werror, and a C program linked against the static runtime must open a
# pack (built by rulec), push events and receive alerts through the
# callback. Usage: capi_c.sh BIN_DIR (the build dir is its parent).
set -u
BIN=${1:?usage: $0 BIN_DIR}
BUILD=$(cd "$BIN/.." && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}

cat > "$T/smoke.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "rdl/rdl.h"

static int alerts = 0;
static void on_alert(const rdl_alert* a, void* user) {
  (void)user;
  if (strstr(a->json, "\"rule\":\"snap\"") != NULL && strlen(a->id) == 16) alerts++;
}

int main(int argc, char** argv) {
  char err[256];
  rdl_pack* pack = NULL;
  rdl_engine* engine = NULL;
  rdl_options opts;
  rdl_counters c;
  const char* ev = "{\"time\":\"2026-01-05T10:00:00Z\",\"metadata\":{\"uid\":\"e1\"},"
                   "\"action\":\"snapshot.create\"}";
  if (argc < 2) return 2;
  if (rdl_pack_open("/nonexistent.rpk", &pack, err, sizeof err) != RDL_ERR_IO) return 3;
  if (rdl_pack_open(argv[1], &pack, err, sizeof err) != RDL_OK) {
    fprintf(stderr, "open: %s\n", err);
    return 4;
  }
  rdl_options_init(&opts);
  opts.lateness_ns = 0;
  if (rdl_engine_new(pack, &opts, on_alert, NULL, &engine) != RDL_OK) return 5;
  if (rdl_engine_push(engine, ev, strlen(ev)) != RDL_OK) return 6;
  if (rdl_engine_push(engine, "nope", 4) != RDL_ERR_BAD_EVENT) return 7;
  if (rdl_last_error(engine)[0] == '\0') return 8;
  if (rdl_engine_finish(engine) != RDL_OK) return 9;
  if (rdl_engine_counters(engine, &c) != RDL_OK || c.events != 1 || c.bad_events != 1) return 10;
  rdl_engine_free(engine);
  rdl_pack_close(pack);
  if (alerts != 1) return 11;
  puts("ok");
  return 0;
}
C

"$CC" -std=c99 -Wall -Wextra -Werror -pedantic -I"$SRC/runtime/include" -c "$T/smoke.c" -o "$T/smoke.o" \
  || { echo "FAIL: rdl.h does not compile as C"; exit 1; }

if [ -f "$BUILD/librdl_jit.a" ] || [ ! -f "$BUILD/librdl_runtime.a" ]; then
  echo "ok (header compiled as C; link step skipped: JIT build or no librdl_runtime.a)"
  exit 0
fi
cat > "$T/r.rule" <<'RULE'
rule snap {
  title "Snapshot created"
  match where action == "snapshot.create"
}
RULE
"$BIN/rulec" build "$T/r.rule" -o "$T/p.rpk" || { echo "FAIL: rulec build"; exit 1; }
LIBS=$(pkg-config --libs re2 libxxhash 2>/dev/null)
"$CC" "$T/smoke.o" "$BUILD/librdl_runtime.a" -o "$T/smoke" -lsimdjson $LIBS -lfmt -lz -lstdc++ -lm \
  || { echo "FAIL: link"; exit 1; }
"$T/smoke" "$T/p.rpk" || { echo "FAIL: C smoke test exit $?"; exit 1; }
