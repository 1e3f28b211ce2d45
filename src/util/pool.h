/* A worker thread pool with a priority lane (libvirt's virThreadPool shape).
 *
 * Normal workers take any job in FIFO order; priority workers take only
 * jobs submitted as priority, so cheap calls never wait behind slow ones.
 * The pool starts @min normal workers and grows to @max when a job arrives
 * and no worker is free. The limits can change while the pool runs
 * (qd_pool_set_params): it grows at once, and shrinks as workers become
 * idle, so no queued or running job is lost. */
#ifndef QD_UTIL_POOL_H
#define QD_UTIL_POOL_H

#include <stdbool.h>
#include <stddef.h>

struct qd_err;
struct qd_pool;
typedef void (*qd_pool_job_fn)(void *data);

struct qd_pool_stats {
    size_t min_workers, max_workers;
    size_t prio_workers;            /* priority workers alive */
    size_t nworkers, free_workers, job_queue_depth;
};

struct qd_pool *qd_pool_new(size_t min, size_t max, size_t prio);
/* Any thread: run @fn(@data) on a worker. */
void qd_pool_submit(struct qd_pool *pool, qd_pool_job_fn fn, void *data,
                    bool priority);
/* Waits for queued jobs to finish, then joins every worker. */
void qd_pool_free(struct qd_pool *pool);
void qd_pool_get_stats(struct qd_pool *pool, struct qd_pool_stats *st);

/* Any thread: change the limits; a negative value keeps the current one.
 * Raising @min or @prio starts workers now; lowering @max or @prio makes
 * the excess workers exit once they are idle (busy ones finish their job
 * first). Fails, changing nothing, with libvirt's errors (code
 * INVALID_ARG, domain NONE) when min would exceed max or max would switch
 * between zero and non-zero. Returns 0 or -1 with @err set. */
int qd_pool_set_params(struct qd_pool *pool, long long min, long long max,
                       long long prio, struct qd_err *err);

#endif
