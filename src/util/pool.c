/* Worker pool. One mutex guards the queue; two condition variables wake
 * normal and priority workers separately.
 *
 * Wake-ups are chained rather than broadcast: a submit wakes a sleeping
 * worker only when no other wake-up is already under way, and a worker
 * that takes a job and sees more waiting wakes the next one. A burst of
 * calls read in one go therefore costs one futex wake per worker that is
 * really needed, instead of a herd fighting over the queue lock (which,
 * on a small machine, cost more than the calls themselves).
 *
 * Shrinking: a worker checks, before it takes a job and whenever it wakes,
 * whether its kind has more workers than the limit allows; if so it exits.
 * A busy worker thus finishes its job first, and a queued job always stays
 * for the workers that remain. An exiting worker passes on any wake-up it
 * consumed. Exited threads stay on the list until joined by the next
 * qd_pool_set_params() or by qd_pool_free(). */
#include "util/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "util/err.h"
#include "util/mem.h"

#define POOL_ERR_SYSTEM_ERROR 38    /* VIR_ERR_SYSTEM_ERROR */

struct job {
    struct job *next;
    qd_pool_job_fn fn;
    void *data;
    bool priority;
};

struct worker {
    struct worker *next;
    struct qd_pool *pool;
    pthread_t thread;
    bool priority;
    bool exited;                /* pool lock: done, waiting to be joined */
};

struct qd_pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* normal workers */
    pthread_cond_t prio_cond;   /* priority workers */
    pthread_cond_t idle_cond;   /* free() waits for drain */
    struct job *head, *tail;
    size_t njobs, nprio_jobs;
    size_t min, max;            /* normal workers: floor and ceiling */
    size_t max_prio;            /* priority workers wanted */
    size_t nworkers, nprio_workers;   /* alive */
    size_t nfree, nprio_free, nbusy;
    size_t nwaking, nprio_waking;     /* signalled, not yet running */
    struct worker *workers;     /* every thread not yet joined */
    bool quit;
};

/* Removes the first job this worker may run. Pool lock held. */
static struct job *
take_locked(struct qd_pool *pool, bool priority)
{
    struct job **pp, *j;

    for (pp = &pool->head; (j = *pp); pp = &j->next) {
        if (priority && !j->priority)
            continue;
        *pp = j->next;
        if (pool->tail == j) {
            struct job *t = pool->head;

            while (t && t->next)
                t = t->next;
            pool->tail = t;
        }
        pool->njobs--;
        if (j->priority)
            pool->nprio_jobs--;
        return j;
    }
    return NULL;
}

/* Decide whether one more worker must wake: jobs wait that nobody awake
 * will take. Pool lock held. Returns the condition to signal once the
 * lock is released (signalling under the lock would make the woken
 * worker block straight away on it), or NULL. */
static pthread_cond_t *
wake_locked(struct qd_pool *pool)
{
    if (pool->njobs == 0)
        return NULL;
    if (pool->nfree > 0 && pool->nwaking == 0) {
        pool->nwaking++;
        return &pool->cond;
    }
    if (pool->nprio_jobs > 0 && pool->nprio_free > 0 &&
        pool->nprio_waking == 0) {
        pool->nprio_waking++;
        return &pool->prio_cond;
    }
    return NULL;
}

static void
unlock_and_wake(struct qd_pool *pool, pthread_cond_t *cond)
{
    pthread_mutex_unlock(&pool->lock);
    if (cond)
        pthread_cond_signal(cond);
}

/* Has @priority's kind more workers than its limit? Pool lock held. */
static bool
excess_locked(const struct qd_pool *pool, bool priority)
{
    return priority ? pool->nprio_workers > pool->max_prio
                    : pool->nworkers > pool->max;
}

static void *
worker_main(void *p)
{
    struct worker *w = p;
    struct qd_pool *pool = w->pool;
    bool priority = w->priority;
    struct job *j;

    pthread_mutex_lock(&pool->lock);
    for (;;) {
        if (excess_locked(pool, priority))
            break;
        if (!(j = take_locked(pool, priority))) {
            if (pool->quit)
                break;
            if (priority) {
                pool->nprio_free++;
                pthread_cond_wait(&pool->prio_cond, &pool->lock);
                pool->nprio_free--;
                if (pool->nprio_waking > 0)
                    pool->nprio_waking--;
            } else {
                pool->nfree++;
                pthread_cond_wait(&pool->cond, &pool->lock);
                pool->nfree--;
                if (pool->nwaking > 0)
                    pool->nwaking--;
            }
            continue;
        }
        pool->nbusy++;
        /* more queued: chain the next worker */
        unlock_and_wake(pool, wake_locked(pool));
        j->fn(j->data);
        free(j);
        pthread_mutex_lock(&pool->lock);
        pool->nbusy--;
        if (pool->njobs == 0 && pool->nbusy == 0)
            pthread_cond_broadcast(&pool->idle_cond);
    }
    if (priority)
        pool->nprio_workers--;
    else
        pool->nworkers--;
    w->exited = true;
    /* hand on a wake-up this worker consumed */
    unlock_and_wake(pool, wake_locked(pool));
    return NULL;
}

/* Starts one worker. Pool lock held. Returns 0, or an errno value. */
static int
spawn_locked(struct qd_pool *pool, bool priority)
{
    struct worker *w = QD_NEW(struct worker);
    int rc;

    w->pool = pool;
    w->priority = priority;
    if ((rc = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
        free(w);
        return rc;
    }
    w->next = pool->workers;
    pool->workers = w;
    if (priority)
        pool->nprio_workers++;
    else
        pool->nworkers++;
    return 0;
}

/* Joins the workers that exited. Pool lock held; an exited worker no
 * longer needs it, so the joins return at once. */
static void
reap_locked(struct qd_pool *pool)
{
    struct worker **pp = &pool->workers, *w;

    while ((w = *pp)) {
        if (!w->exited) {
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        pthread_join(w->thread, NULL);
        free(w);
    }
}

struct qd_pool *
qd_pool_new(size_t min, size_t max, size_t prio)
{
    struct qd_pool *pool = QD_NEW(struct qd_pool);
    size_t i;

    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->cond, NULL);
    pthread_cond_init(&pool->prio_cond, NULL);
    pthread_cond_init(&pool->idle_cond, NULL);
    pool->min = min;
    pool->max = max < min ? min : max;
    if (pool->max == 0)
        pool->max = 1;
    pool->max_prio = prio;
    pthread_mutex_lock(&pool->lock);
    for (i = 0; i < (min ? min : 1); i++)
        (void) spawn_locked(pool, false);
    for (i = 0; i < prio; i++)
        (void) spawn_locked(pool, true);
    pthread_mutex_unlock(&pool->lock);
    return pool;
}

void
qd_pool_submit(struct qd_pool *pool, qd_pool_job_fn fn, void *data,
               bool priority)
{
    struct job *j = QD_NEW(struct job);

    j->fn = fn;
    j->data = data;
    j->priority = priority;
    pthread_mutex_lock(&pool->lock);
    if (pool->tail)
        pool->tail->next = j;
    else
        pool->head = j;
    pool->tail = j;
    pool->njobs++;
    if (priority)
        pool->nprio_jobs++;
    /* grow when nobody can take it: every normal worker is busy */
    if (pool->nfree == 0 && pool->nwaking == 0 && pool->nworkers < pool->max &&
        !(priority && pool->nprio_free > 0))
        (void) spawn_locked(pool, false);
    unlock_and_wake(pool, wake_locked(pool));
}

void
qd_pool_get_stats(struct qd_pool *pool, struct qd_pool_stats *st)
{
    pthread_mutex_lock(&pool->lock);
    st->min_workers = pool->min;
    st->max_workers = pool->max;
    st->prio_workers = pool->nprio_workers;
    st->nworkers = pool->nworkers;
    st->free_workers = pool->nfree;
    st->job_queue_depth = pool->njobs;
    pthread_mutex_unlock(&pool->lock);
}

/* Starts workers until @kind has @want. Pool lock held. */
static int
grow_locked(struct qd_pool *pool, bool priority, size_t want,
            struct qd_err *err)
{
    size_t *have = priority ? &pool->nprio_workers : &pool->nworkers;
    int rc;

    while (*have < want)
        if ((rc = spawn_locked(pool, priority)) != 0)
            return qd_err_sys(err, POOL_ERR_SYSTEM_ERROR, QD_FROM_NONE, rc,
                              "Failed to create thread");
    return 0;
}

int
qd_pool_set_params(struct qd_pool *pool, long long min, long long max,
                   long long prio, struct qd_err *err)
{
    size_t new_min, new_max;
    int rc = -1;

    pthread_mutex_lock(&pool->lock);
    reap_locked(pool);
    new_min = min >= 0 ? (size_t) min : pool->min;
    new_max = max >= 0 ? (size_t) max : pool->max;
    if (new_min > new_max) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE, "%s",
                      "minWorkers cannot be larger than maxWorkers");
        goto out;
    }
    if ((max == 0 && pool->max > 0) || (max > 0 && pool->max == 0)) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE, "%s",
                      "maxWorkers must not be switched from zero to "
                      "non-zero and vice versa");
        goto out;
    }
    if (min >= 0) {
        if (grow_locked(pool, false, new_min, err) < 0)
            goto out;
        pool->min = new_min;
    }
    if (max >= 0) {
        pool->max = new_max;
        /* idle workers over the limit exit; busy ones on their way out */
        pthread_cond_broadcast(&pool->cond);
        /* jobs waiting with nobody free: use the room a raise made */
        if (pool->nfree == 0 && pool->njobs > 0 &&
            grow_locked(pool, false,
                        pool->nworkers + pool->njobs < new_max ?
                        pool->nworkers + pool->njobs : new_max, err) < 0)
            goto out;
    }
    if (prio >= 0) {
        pool->max_prio = (size_t) prio;
        if ((size_t) prio < pool->nprio_workers)
            pthread_cond_broadcast(&pool->prio_cond);
        else if (grow_locked(pool, true, (size_t) prio, err) < 0)
            goto out;
    }
    unlock_and_wake(pool, wake_locked(pool));
    return 0;
out:
    pthread_mutex_unlock(&pool->lock);
    return rc;
}

void
qd_pool_free(struct qd_pool *pool)
{
    struct worker *w;

    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    while (pool->njobs > 0 || pool->nbusy > 0)
        pthread_cond_wait(&pool->idle_cond, &pool->lock);
    pool->quit = true;
    pthread_cond_broadcast(&pool->cond);
    pthread_cond_broadcast(&pool->prio_cond);
    pthread_mutex_unlock(&pool->lock);
    while ((w = pool->workers)) {
        pool->workers = w->next;
        pthread_join(w->thread, NULL);
        free(w);
    }
    pthread_cond_destroy(&pool->cond);
    pthread_cond_destroy(&pool->prio_cond);
    pthread_cond_destroy(&pool->idle_cond);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
