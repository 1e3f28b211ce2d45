/* The worker pool: every job runs once, the priority lane is not blocked
 * by slow normal jobs, and live resizing loses nothing. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/pool.h"

static int ran;                     /* atomic */

static void
count_job(void *data)
{
    (void) data;
    __atomic_add_fetch(&ran, 1, __ATOMIC_RELAXED);
}

static void
test_every_job_runs_once(void **state)
{
    struct qd_pool *pool = qd_pool_new(2, 8, 2);
    int i;

    (void) state;
    ran = 0;
    for (i = 0; i < 20000; i++)
        qd_pool_submit(pool, count_job, NULL, i % 3 == 0);
    qd_pool_free(pool);             /* waits for the queue to drain */
    assert_int_equal(ran, 20000);
}

/* Normal workers stuck in slow jobs; a priority job still runs. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open;
static int prio_done;

static void
blocking_job(void *data)
{
    (void) data;
    pthread_mutex_lock(&gate_lock);
    while (!gate_open)
        pthread_cond_wait(&gate_cond, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
    __atomic_add_fetch(&ran, 1, __ATOMIC_RELAXED);
}

static void
prio_job(void *data)
{
    (void) data;
    __atomic_store_n(&prio_done, 1, __ATOMIC_RELEASE);
}

static void
test_priority_lane_not_blocked(void **state)
{
    struct qd_pool *pool = qd_pool_new(2, 2, 1);
    struct timespec ts = { 0, 1000000 };
    int i;

    (void) state;
    ran = 0;
    gate_open = 0;
    prio_done = 0;
    for (i = 0; i < 4; i++)          /* both normal workers block, 2 queue */
        qd_pool_submit(pool, blocking_job, NULL, false);
    qd_pool_submit(pool, prio_job, NULL, true);
    for (i = 0; i < 5000 && !__atomic_load_n(&prio_done, __ATOMIC_ACQUIRE); i++)
        nanosleep(&ts, NULL);
    assert_int_equal(__atomic_load_n(&prio_done, __ATOMIC_ACQUIRE), 1);
    pthread_mutex_lock(&gate_lock);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
    qd_pool_free(pool);
    assert_int_equal(ran, 4);
}

static void
test_resize_while_busy(void **state)
{
    struct qd_pool *pool = qd_pool_new(4, 8, 2);
    struct qd_pool_stats st;
    struct qd_err err = QD_ERR_INIT;
    int i, round;

    (void) state;
    ran = 0;
    for (round = 0; round < 20; round++) {
        for (i = 0; i < 500; i++)
            qd_pool_submit(pool, count_job, NULL, i % 5 == 0);
        assert_int_equal(qd_pool_set_params(pool, round % 2 ? 1 : 6,
                                            round % 2 ? 2 : 12,
                                            round % 3, &err), 0);
    }
    qd_pool_get_stats(pool, &st);      /* the last round (19) set 1..2 */
    assert_int_equal(st.max_workers, 2);
    assert_int_equal(st.min_workers, 1);
    qd_pool_free(pool);
    assert_int_equal(ran, 20 * 500);
}

static void
test_bad_params_change_nothing(void **state)
{
    struct qd_pool *pool = qd_pool_new(2, 4, 1);
    struct qd_pool_stats st;
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_pool_set_params(pool, 5, 4, -1, &err), -1);
    assert_int_equal(err.code, QD_ERR_INVALID_ARG);
    qd_err_clear(&err);
    assert_int_equal(qd_pool_set_params(pool, 0, 0, -1, &err), -1);
    qd_err_clear(&err);
    qd_pool_get_stats(pool, &st);
    assert_int_equal(st.min_workers, 2);
    assert_int_equal(st.max_workers, 4);
    qd_pool_free(pool);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_job_runs_once),
        cmocka_unit_test(test_priority_lane_not_blocked),
        cmocka_unit_test(test_resize_while_busy),
        cmocka_unit_test(test_bad_params_change_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
