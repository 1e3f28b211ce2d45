/* qemu_procfs.c: CPU lists, /proc stat parsing, vCPU threads found by
 * name, affinity, /proc/net/dev. Runs against this test's own process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "drivers/qemu/qemu_procfs.h"
#include "util/err.h"

static void
test_cpulist(void **state)
{
    unsigned char map[2];

    (void) state;
    assert_int_equal(qd_qemu_procfs_cpulist("0-3,^2,6", map, 2), 0);
    assert_int_equal(map[0], 0x4b);         /* 0 1 3 6 */
    assert_int_equal(map[1], 0);
    assert_int_equal(qd_qemu_procfs_cpulist(" 9 , 15\n", map, 2), 0);
    assert_int_equal(map[0], 0);
    assert_int_equal(map[1], 0x82);
    /* CPUs past the map are dropped */
    assert_int_equal(qd_qemu_procfs_cpulist("0,8-100", map, 1), 0);
    assert_int_equal(map[0], 1);
    assert_int_equal(qd_qemu_procfs_cpulist("a", map, 2), -1);
    assert_int_equal(qd_qemu_procfs_cpulist("3-1", map, 2), -1);
    assert_int_equal(qd_qemu_procfs_cpulist("1-", map, 2), -1);
    assert_int_equal(qd_qemu_procfs_cpulist("^1-2", map, 2), -1);
}

static void
test_host_cpus(void **state)
{
    unsigned char map[128];
    long online = sysconf(_SC_NPROCESSORS_ONLN), bits = 0;
    int i;

    (void) state;
    assert_true(qd_qemu_procfs_cpu_count() >= online);
    qd_qemu_procfs_online_cpus(map, sizeof(map));
    for (i = 0; i < (int) sizeof(map) * 8; i++)
        bits += (map[i / 8] >> (i % 8)) & 1;
    assert_int_equal(bits, online);
}

static void
test_stat_self(void **state)
{
    struct qd_qemu_pstat st;
    volatile unsigned long spin = 0;
    unsigned long k;

    (void) state;
    for (k = 0; k < 50000000ul; k++)        /* some CPU time to see */
        spin += k;
    assert_int_equal(qd_qemu_procfs_stat(getpid(), 0, &st), 0);
    assert_true(st.rss_pages > 0);
    assert_true(st.user_ns + st.sys_ns > 0);
    assert_true(st.cpu >= 0 && st.cpu < qd_qemu_procfs_cpu_count());
    assert_int_equal(qd_qemu_procfs_stat(getpid(), (pid_t) syscall(SYS_gettid),
                                         &st), 0);
    assert_int_equal(qd_qemu_procfs_stat(getpid(), 1, &st), -1);
}

/* Threads named as QEMU names its vCPU threads. */
struct named {
    const char *name;
    pid_t tid;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool ready, done;
};

static void *
named_main(void *opaque)
{
    struct named *t = opaque;

    pthread_setname_np(pthread_self(), t->name);
    pthread_mutex_lock(&t->lock);
    t->tid = (pid_t) syscall(SYS_gettid);
    t->ready = true;
    pthread_cond_broadcast(&t->cond);
    while (!t->done)
        pthread_cond_wait(&t->cond, &t->lock);
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

static void
named_start(struct named *t, const char *name, pthread_t *th)
{
    memset(t, 0, sizeof(*t));
    t->name = name;
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, NULL);
    assert_int_equal(pthread_create(th, NULL, named_main, t), 0);
    pthread_mutex_lock(&t->lock);
    while (!t->ready)
        pthread_cond_wait(&t->cond, &t->lock);
    pthread_mutex_unlock(&t->lock);
}

static void
named_stop(struct named *t, pthread_t th)
{
    pthread_mutex_lock(&t->lock);
    t->done = true;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
    pthread_join(th, NULL);
}

static void
test_vcpu_threads(void **state)
{
    struct named c0, c1, all;
    pthread_t t0, t1, ta;
    pid_t tids[3];

    (void) state;
    assert_int_equal(qd_qemu_procfs_vcpu_threads(getpid(), 3, tids), 0);
    named_start(&c1, "CPU 1/TCG", &t1);
    named_start(&c0, "CPU 0/KVM", &t0);
    assert_int_equal(qd_qemu_procfs_vcpu_threads(getpid(), 3, tids), 2);
    assert_int_equal(tids[0], c0.tid);
    assert_int_equal(tids[1], c1.tid);
    assert_int_equal(tids[2], 0);
    /* single-threaded TCG: one thread for the vCPUs without their own */
    named_start(&all, "ALL CPUs/TCG", &ta);
    assert_int_equal(qd_qemu_procfs_vcpu_threads(getpid(), 3, tids), 3);
    assert_int_equal(tids[2], all.tid);
    named_stop(&c0, t0);
    named_stop(&c1, t1);
    named_stop(&all, ta);
}

static void
test_affinity(void **state)
{
    unsigned char map[128] = { 0 };
    cpu_set_t set;
    int i;

    (void) state;
    assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
    assert_int_equal(qd_qemu_procfs_affinity((pid_t) syscall(SYS_gettid),
                                             map, sizeof(map)), 0);
    for (i = 0; i < CPU_SETSIZE && i < (int) sizeof(map) * 8; i++)
        assert_int_equal((map[i / 8] >> (i % 8)) & 1,
                         CPU_ISSET(i, &set) ? 1 : 0);
}

static void
test_net_dev(void **state)
{
    struct qd_iface_stats st;
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_qemu_procfs_net_dev("lo", &st, &err), 0);
    assert_true(st.rx_bytes >= 0 && st.tx_packets >= 0);
    assert_int_equal(qd_qemu_procfs_net_dev("qdnosuch0", &st, &err), -1);
    assert_int_equal(err.code, QD_ERR_INTERNAL_ERROR);
    assert_string_equal(err.message,
                        "internal error: /proc/net/dev: Interface not found");
    qd_err_clear(&err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpulist),
        cmocka_unit_test(test_host_cpus),
        cmocka_unit_test(test_stat_self),
        cmocka_unit_test(test_vcpu_threads),
        cmocka_unit_test(test_affinity),
        cmocka_unit_test(test_net_dev),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
