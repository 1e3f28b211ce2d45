/* qemud bench: shared helpers (clock, latency histogram, daemon /proc
 * sampling, JSON output). Plain C, no libvirt. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Phases every load generator goes through; workers poll bench_phase. */
enum { PH_SETUP = 0, PH_WARMUP, PH_MEASURE, PH_STOP };
extern volatile int bench_phase;

static inline int
phase_get(void)
{
    return __atomic_load_n(&bench_phase, __ATOMIC_RELAXED);
}

uint64_t now_ns(void);
void sleep_s(double s);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void raise_nofile(uint64_t want);

/* Log-linear histogram of nanosecond values: exact below 64 ns, then 64
 * sub-buckets per power of two (about 1.6 % resolution). */
#define HIST_NB 2304
struct hist {
    uint64_t n, sum, max;
    uint64_t b[HIST_NB];
};
void hist_add(struct hist *h, uint64_t ns);
void hist_merge(struct hist *dst, const struct hist *src);
uint64_t hist_pct(const struct hist *h, double p);   /* ns, p in [0,1] */

/* A daemon's process-wide counters from /proc/PID. */
struct dstat {
    double cpu_s;        /* utime + stime, seconds */
    long rss_kb;         /* VmRSS */
    long hwm_kb;         /* VmHWM */
    long threads;
    long long ctxsw;     /* context switches, summed over live threads */
    bool ok;
};
void dstat_read(int pid, struct dstat *st);

/* JSON output: one object per line on stdout. */
struct json {
    FILE *f;
    bool first;
};
void json_begin(struct json *j);
void json_str(struct json *j, const char *k, const char *v);
void json_num(struct json *j, const char *k, double v);
void json_int(struct json *j, const char *k, long long v);
void json_lat(struct json *j, const char *k, const struct hist *h);
void json_end(struct json *j);
void json_escape(FILE *f, const char *s);

/* Common command-line values. */
struct common_opts {
    const char *label;     /* daemon name for the report */
    const char *socket;    /* UNIX socket path */
    int pid;               /* daemon pid, 0: no daemon figures */
    double seconds, warmup;
    uint64_t count;        /* >0: end the window after this many ops */
};

/* Ops completed in the window, kept only when a count ends the window. */
extern uint64_t bench_done;

static inline void
count_op(const struct common_opts *o)
{
    if (o->count)
        __atomic_add_fetch(&bench_done, 1, __ATOMIC_RELAXED);
}

/* Runs warm-up and the measured window; daemon counters around the window.
 * Returns the measured duration in seconds. The load generator's own CPU
 * time in the window goes to bench_client_cpu_s. */
extern double bench_client_cpu_s;
double run_window(const struct common_opts *o, struct dstat *before,
                  struct dstat *after);
/* daemon CPU, context switches, RSS and client CPU per call */
void json_costs(struct json *j, const struct dstat *d0, const struct dstat *d1,
                double calls);

#endif
