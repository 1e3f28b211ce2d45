/* Worker pool. One mutex guards the queue; two condition variables wake
 * normal and priority workers separately.
 *
 * Wake-ups are chained rather than broadcast: a submit wakes a sleeping
 * worker only when no other wake-up is already under way, and a worker
 * that takes a job and sees more waiting wakes the next one. A burst of
 * calls read in one go therefore costs one futex wake per worker that is
 * really needed, instead of a herd fighting over the queue lock (which,
 * on a small machine, cost more than the calls themselves). */
#include "util/pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/mem.h"

struct job {
    struct job *next;
    qd_pool_job_fn fn;
    void *data;
    bool priority;
};

struct qd_pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* normal workers */
    pthread_cond_t prio_cond;   /* priority workers */
    pthread_cond_t idle_cond;   /* free() waits for drain */
    struct job *head, *tail;
    size_t njobs, nprio_jobs;
    size_t min, max, nprio;
    size_t nworkers, nfree, nprio_free, nbusy;
    size_t nwaking, nprio_waking;   /* signalled, not yet running */
    pthread_t *threads;         /* normal + priority, grows */
    size_t nthreads;
    bool quit;
};

struct worker_arg {
    struct qd_pool *pool;
    bool priority;
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

/* Wake one more worker if jobs wait that nobody awake will take. Pool
 * lock held. */
static void
wake_locked(struct qd_pool *pool)
{
    if (pool->njobs == 0)
        return;
    if (pool->nfree > 0 && pool->nwaking == 0) {
        pool->nwaking++;
        pthread_cond_signal(&pool->cond);
    } else if (pool->nprio_jobs > 0 && pool->nprio_free > 0 &&
               pool->nprio_waking == 0) {
        pool->nprio_waking++;
        pthread_cond_signal(&pool->prio_cond);
    }
}

static void *
worker_main(void *p)
{
    struct worker_arg *arg = p;
    struct qd_pool *pool = arg->pool;
    bool priority = arg->priority;
    struct job *j;

    free(arg);
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!(j = take_locked(pool, priority))) {
            if (pool->quit)
                goto out;
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
        }
        pool->nbusy++;
        wake_locked(pool);      /* more queued: chain the next worker */
        pthread_mutex_unlock(&pool->lock);
        j->fn(j->data);
        free(j);
        pthread_mutex_lock(&pool->lock);
        pool->nbusy--;
        if (pool->njobs == 0 && pool->nbusy == 0)
            pthread_cond_broadcast(&pool->idle_cond);
    }
out:
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

static void
spawn_locked(struct qd_pool *pool, bool priority)
{
    struct worker_arg *arg = QD_NEW(struct worker_arg);
    pthread_t t;

    arg->pool = pool;
    arg->priority = priority;
    if (pthread_create(&t, NULL, worker_main, arg) != 0) {
        free(arg);
        return;
    }
    pool->threads = qd_realloc(pool->threads,
                               (pool->nthreads + 1) * sizeof(pthread_t));
    pool->threads[pool->nthreads++] = t;
    if (!priority)
        pool->nworkers++;
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
    pool->nprio = prio;
    pthread_mutex_lock(&pool->lock);
    for (i = 0; i < (min ? min : 1); i++)
        spawn_locked(pool, false);
    for (i = 0; i < prio; i++)
        spawn_locked(pool, true);
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
        spawn_locked(pool, false);
    wake_locked(pool);
    pthread_mutex_unlock(&pool->lock);
}

void
qd_pool_get_stats(struct qd_pool *pool, struct qd_pool_stats *st)
{
    pthread_mutex_lock(&pool->lock);
    st->min_workers = pool->min;
    st->max_workers = pool->max;
    st->prio_workers = pool->nprio;
    st->nworkers = pool->nworkers;
    st->free_workers = pool->nfree;
    st->job_queue_depth = pool->njobs;
    pthread_mutex_unlock(&pool->lock);
}

void
qd_pool_free(struct qd_pool *pool)
{
    size_t i;

    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    while (pool->njobs > 0 || pool->nbusy > 0)
        pthread_cond_wait(&pool->idle_cond, &pool->lock);
    pool->quit = true;
    pthread_cond_broadcast(&pool->cond);
    pthread_cond_broadcast(&pool->prio_cond);
    pthread_mutex_unlock(&pool->lock);
    for (i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    free(pool->threads);
    pthread_cond_destroy(&pool->cond);
    pthread_cond_destroy(&pool->prio_cond);
    pthread_cond_destroy(&pool->idle_cond);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
