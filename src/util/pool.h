/* A worker thread pool with a priority lane (libvirt's virThreadPool shape).
 *
 * Normal workers take any job in FIFO order; priority workers take only
 * jobs submitted as priority, so cheap calls never wait behind slow ones.
 * The pool starts @min normal workers and grows to @max when a job arrives
 * and no worker is free. */
#ifndef QD_UTIL_POOL_H
#define QD_UTIL_POOL_H

#include <stdbool.h>
#include <stddef.h>

struct qd_pool;
typedef void (*qd_pool_job_fn)(void *data);

struct qd_pool_stats {
    size_t min_workers, max_workers, prio_workers;
    size_t nworkers, free_workers, job_queue_depth;
};

struct qd_pool *qd_pool_new(size_t min, size_t max, size_t prio);
/* Any thread: run @fn(@data) on a worker. */
void qd_pool_submit(struct qd_pool *pool, qd_pool_job_fn fn, void *data,
                    bool priority);
/* Waits for queued jobs to finish, then joins every worker. */
void qd_pool_free(struct qd_pool *pool);
void qd_pool_get_stats(struct qd_pool *pool, struct qd_pool_stats *st);

#endif
