/* The C API of the rdl runtime: open a compiled rule pack (.rpk), run it
 * over normalized JSON events, receive alerts through a callback.
 *
 * Plain C, opaque handles, status codes; nothing throws across it. Threading:
 * a pack is immutable once opened and may be shared by engines on several
 * threads; an engine is single-threaded (one engine per thread). Callbacks
 * run synchronously inside rdl_engine_push / rdl_engine_finish and must not
 * call back into the same engine. See docs/embedding.md for an example and
 * docs/semantics.md for what the engine computes. */
#ifndef RDL_RDL_H_
#define RDL_RDL_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rdl_status {
  RDL_OK = 0,
  RDL_ERR_INVALID_ARGUMENT = 1, /* null handle/pointer, re-entrant call */
  RDL_ERR_IO = 2,               /* the pack file cannot be read */
  RDL_ERR_BAD_PACK = 3,         /* corrupted, truncated or rejected by the verifier */
  RDL_ERR_BAD_EVENT = 4,        /* the event is not a usable normalized JSON event */
  RDL_ERR_NO_MEMORY = 5,
  RDL_ERR_INTERNAL = 6
} rdl_status;

typedef struct rdl_pack rdl_pack;     /* a verified, loaded pack */
typedef struct rdl_engine rdl_engine; /* runs one pack over one event stream */

/* One alert. Every pointer is valid only during the callback. */
typedef struct rdl_alert {
  const char* json; /* the alert JSON object, one line, no newline */
  size_t json_len;
  const char* rule; /* NUL-terminated */
  const char* id;   /* NUL-terminated, 16 hex digits */
  int64_t time_ns;  /* the alert's time (its first event), ns since the epoch */
} rdl_alert;

typedef void (*rdl_alert_fn)(const rdl_alert* alert, void* user_data);
/* An event older than the watermark: counted, not evaluated. */
typedef void (*rdl_late_fn)(int64_t time_ns, const char* uid, size_t uid_len, int64_t watermark_ns,
                            void* user_data);

typedef struct rdl_options {
  int64_t lateness_ns;          /* default 15 minutes */
  uint32_t default_max_keys;    /* per-rule state cap when a rule sets none; default 100000 */
  uint64_t max_buffered_events; /* reorder buffer bound; default 1000000 */
  rdl_late_fn on_late;          /* optional; gets the engine's user_data */
} rdl_options;

/* Fills *options with the defaults. */
void rdl_options_init(rdl_options* options);

/* Opens and verifies a pack. On failure returns a status, sets *pack to NULL
 * and writes a NUL-terminated message (naming the byte offset for corrupted
 * packs) into errbuf when errbuf is not NULL and errlen > 0. */
rdl_status rdl_pack_open(const char* path, rdl_pack** pack, char* errbuf, size_t errlen);
rdl_status rdl_pack_open_bytes(const void* bytes, size_t len, rdl_pack** pack, char* errbuf,
                               size_t errlen);
/* Frees the pack. Every engine created from it must be freed first. NULL is ignored. */
void rdl_pack_close(rdl_pack* pack);
/* Number of rules and the name of rule i (NULL when out of range). */
size_t rdl_pack_rule_count(const rdl_pack* pack);
const char* rdl_pack_rule_name(const rdl_pack* pack, size_t i);

/* Creates an engine. options may be NULL (defaults); on_alert may be NULL. */
rdl_status rdl_engine_new(const rdl_pack* pack, const rdl_options* options, rdl_alert_fn on_alert,
                          void* user_data, rdl_engine** engine);
/* NULL is ignored. Does not call Finish: buffered events are dropped. */
void rdl_engine_free(rdl_engine* engine);

/* Pushes one normalized event (a JSON object of len bytes, need not be
 * NUL-terminated). RDL_ERR_BAD_EVENT when it is not usable (counted; the
 * message is in rdl_last_error). A late event returns RDL_OK (it is counted
 * and reported via on_late). Alerts may be delivered during the call. */
rdl_status rdl_engine_push(rdl_engine* engine, const char* bytes, size_t len);
/* End of input: releases buffered events and fires what is due by the last
 * event time. */
rdl_status rdl_engine_finish(rdl_engine* engine);

typedef struct rdl_counters {
  uint64_t events;          /* usable events pushed (late ones included) */
  uint64_t bad_events;      /* pushes that were not usable events */
  uint64_t late_events;     /* behind the watermark: counted, not evaluated */
  uint64_t alerts;          /* alerts delivered */
  uint64_t evictions;       /* state dropped at a cap, all rules */
  uint64_t suppressed;      /* alerts dropped by suppression, all rules */
  uint64_t forced_releases; /* reorder buffer overflows */
} rdl_counters;

typedef struct rdl_rule_counters {
  uint64_t alerts;
  uint64_t evictions;
  uint64_t suppressed;
} rdl_rule_counters;

rdl_status rdl_engine_counters(const rdl_engine* engine, rdl_counters* out);
/* Counters of rule i (the pack's rule order). */
rdl_status rdl_engine_rule_counters(const rdl_engine* engine, size_t i, rdl_rule_counters* out);

/* The message of the engine's last failed call ("" when none). Valid until
 * the next call on the engine. */
const char* rdl_last_error(const rdl_engine* engine);
/* "ok", "invalid argument", ... */
const char* rdl_status_string(rdl_status status);

#ifdef __cplusplus
}
#endif

#endif /* RDL_RDL_H_ */
