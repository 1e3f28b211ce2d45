/* qemud bench: shared helpers. */
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

volatile int bench_phase = PH_SETUP;
double bench_client_cpu_s;
uint64_t bench_done;

uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

void
sleep_s(double s)
{
    struct timespec ts;

    if (s <= 0)
        return;
    ts.tv_sec = (time_t) s;
    ts.tv_nsec = (long) ((s - (double) ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

void
die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* Raise RLIMIT_NOFILE to at least @want (root may raise the hard limit up
 * to fs.nr_open). */
void
raise_nofile(uint64_t want)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return;
    if (rl.rlim_max < want) {
        struct rlimit hard = { want, want };

        if (setrlimit(RLIMIT_NOFILE, &hard) == 0)
            return;
        fprintf(stderr, "bench: cannot raise fd limit to %llu: %s\n",
                (unsigned long long) want, strerror(errno));
    }
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void) setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static unsigned
hist_index(uint64_t v)
{
    unsigned msb, e, idx;

    if (v < 64)
        return (unsigned) v;
    msb = 63u - (unsigned) __builtin_clzll(v);
    e = msb - 6;
    idx = 64 + e * 64 + (unsigned) ((v >> e) - 64);
    return idx < HIST_NB ? idx : HIST_NB - 1;
}

static uint64_t
hist_value(unsigned idx)
{
    unsigned e, m;

    if (idx < 64)
        return idx;
    e = (idx - 64) / 64;
    m = (idx - 64) % 64 + 64;
    /* middle of the bucket */
    return ((uint64_t) m << e) + (((uint64_t) 1 << e) >> 1);
}

void
hist_add(struct hist *h, uint64_t ns)
{
    h->n++;
    h->sum += ns;
    if (ns > h->max)
        h->max = ns;
    h->b[hist_index(ns)]++;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
    unsigned i;

    dst->n += src->n;
    dst->sum += src->sum;
    if (src->max > dst->max)
        dst->max = src->max;
    for (i = 0; i < HIST_NB; i++)
        dst->b[i] += src->b[i];
}

uint64_t
hist_pct(const struct hist *h, double p)
{
    uint64_t rank, seen = 0;
    unsigned i;

    if (h->n == 0)
        return 0;
    rank = (uint64_t) (p * (double) h->n + 0.999999);
    if (rank < 1)
        rank = 1;
    for (i = 0; i < HIST_NB; i++) {
        seen += h->b[i];
        if (seen >= rank) {
            uint64_t v = hist_value(i);

            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

static long
status_kb(const char *buf, const char *key)
{
    const char *p = strstr(buf, key);

    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Voluntary + involuntary context switches of every thread of @pid. */
static long long
ctxsw_sum(int pid)
{
    char path[64], buf[4096];
    struct dirent *e;
    long long sum = 0;
    DIR *d;

    snprintf(path, sizeof(path), "/proc/%d/task", pid);
    if (!(d = opendir(path)))
        return -1;
    while ((e = readdir(d))) {
        char tpath[320];
        size_t n;
        FILE *f;

        if (e->d_name[0] == '.')
            continue;
        snprintf(tpath, sizeof(tpath), "/proc/%d/task/%s/status", pid,
                 e->d_name);
        if (!(f = fopen(tpath, "re")))
            continue;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        sum += status_kb(buf, "\nvoluntary_ctxt_switches:") +
               status_kb(buf, "nonvoluntary_ctxt_switches:");
    }
    closedir(d);
    return sum;
}

void
dstat_read(int pid, struct dstat *st)
{
    char path[64], buf[4096];
    unsigned long long ut = 0, stt = 0;
    FILE *f;
    size_t n;
    char *p;

    memset(st, 0, sizeof(*st));
    if (pid <= 0)
        return;
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    if (!(f = fopen(path, "re")))
        return;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* fields after the command name, which may hold spaces: state is 3 */
    if (!(p = strrchr(buf, ')')))
        return;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
               &ut, &stt) != 2)
        return;
    st->cpu_s = (double) (ut + stt) / (double) sysconf(_SC_CLK_TCK);
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    if (!(f = fopen(path, "re")))
        return;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    st->rss_kb = status_kb(buf, "VmRSS:");
    st->hwm_kb = status_kb(buf, "VmHWM:");
    st->threads = status_kb(buf, "Threads:");
    st->ctxsw = ctxsw_sum(pid);
    st->ok = true;
}

void
json_escape(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char) *s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void
json_key(struct json *j, const char *k)
{
    if (!j->first)
        fputc(',', j->f);
    j->first = false;
    json_escape(j->f, k);
    fputc(':', j->f);
}

void
json_begin(struct json *j)
{
    j->f = stdout;
    j->first = true;
    fputc('{', j->f);
}

void
json_str(struct json *j, const char *k, const char *v)
{
    json_key(j, k);
    if (v)
        json_escape(j->f, v);
    else
        fputs("null", j->f);
}

void
json_num(struct json *j, const char *k, double v)
{
    json_key(j, k);
    if (v != v)
        fputs("null", j->f);
    else
        fprintf(j->f, "%.6g", v);
}

void
json_int(struct json *j, const char *k, long long v)
{
    json_key(j, k);
    fprintf(j->f, "%lld", v);
}

void
json_lat(struct json *j, const char *k, const struct hist *h)
{
    json_key(j, k);
    if (!h || h->n == 0) {
        fputs("null", j->f);
        return;
    }
    fprintf(j->f, "{\"n\":%llu,\"mean_us\":%.3f,\"p50_us\":%.3f,"
            "\"p99_us\":%.3f,\"p999_us\":%.3f,\"max_us\":%.3f}",
            (unsigned long long) h->n, (double) h->sum / (double) h->n / 1e3,
            (double) hist_pct(h, 0.50) / 1e3, (double) hist_pct(h, 0.99) / 1e3,
            (double) hist_pct(h, 0.999) / 1e3, (double) h->max / 1e3);
}

void
json_end(struct json *j)
{
    fputs("}\n", j->f);
    fflush(j->f);
}

static double
self_cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double
run_window(const struct common_opts *o, struct dstat *before,
           struct dstat *after)
{
    uint64_t t0, t1;
    double c0;

    __atomic_store_n(&bench_phase, PH_WARMUP, __ATOMIC_RELEASE);
    sleep_s(o->warmup);
    dstat_read(o->pid, before);
    c0 = self_cpu_s();
    t0 = now_ns();
    __atomic_store_n(&bench_phase, PH_MEASURE, __ATOMIC_RELEASE);
    if (o->count) {
        uint64_t end = t0 + (uint64_t) (o->seconds * 1e9);

        while (__atomic_load_n(&bench_done, __ATOMIC_RELAXED) < o->count &&
               now_ns() < end)
            sleep_s(0.0005);
    } else {
        sleep_s(o->seconds);
    }
    __atomic_store_n(&bench_phase, PH_STOP, __ATOMIC_RELEASE);
    t1 = now_ns();
    bench_client_cpu_s = self_cpu_s() - c0;
    dstat_read(o->pid, after);
    return (double) (t1 - t0) / 1e9;
}

void
json_costs(struct json *j, const struct dstat *d0, const struct dstat *d1,
           double calls)
{
    if (d0 && d1 && d0->ok && d1->ok) {
        json_num(j, "daemon_cpu_s", d1->cpu_s - d0->cpu_s);
        json_num(j, "daemon_cpu_us_per_call",
                 calls > 0 ? (d1->cpu_s - d0->cpu_s) * 1e6 / calls : 0);
        if (d0->ctxsw >= 0 && d1->ctxsw >= 0)
            json_num(j, "daemon_ctxsw_per_call",
                     calls > 0 ? (double) (d1->ctxsw - d0->ctxsw) / calls : 0);
        json_int(j, "daemon_rss_kb", d1->rss_kb);
        json_int(j, "daemon_threads", d1->threads);
    }
    json_num(j, "client_cpu_s", bench_client_cpu_s);
    json_num(j, "client_cpu_us_per_call",
             calls > 0 ? bench_client_cpu_s * 1e6 / calls : 0);
}
