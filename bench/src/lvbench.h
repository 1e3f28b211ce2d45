/* lvbench: load through libvirt's client library (libvirt.so). */
#ifndef BENCH_LVBENCH_H
#define BENCH_LVBENCH_H

#include <pthread.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "common.h"

struct lv_opts {
    struct common_opts c;
    const char *uri;
    const char *op;
    unsigned conns, threads, listeners;
};

/* One load thread; threads of one connection share @conn. */
struct lv_thread {
    pthread_t tid;
    const struct lv_opts *o;
    const struct lv_op *op;
    virConnectPtr conn;
    virDomainPtr dom;              /* "test", for ops that need it */
    unsigned conn_idx, idx;
    char xml[1024];                /* define+undefine: this thread's domain */
    struct hist hist;
    uint64_t ops, errors;
    char errtext[256];
};

struct lv_op {
    const char *name;
    int calls_per_op;              /* RPCs per op; 0: not fixed */
    bool own_conn;                 /* opens its own connections */
    int (*setup)(struct lv_thread *t);
    int (*run)(struct lv_thread *t);
};

const struct lv_op *lv_op_find(const char *name);
void lv_op_list(FILE *f);
/* Records libvirt's last error text for @t (first one only). */
void lv_note_error(struct lv_thread *t, const char *what);
/* The lifecycle-event fan-out benchmark. Returns the exit code. */
int lv_events_run(const struct lv_opts *o);

#endif
