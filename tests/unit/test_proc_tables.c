/* The procedure tables: sorted, unique, and consistent flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/driver.h"
#include "rpc/dispatch.h"
#include "util/err.h"

static void
check_sorted(const struct qd_program *p)
{
    size_t i;

    for (i = 1; i < p->nprocs; i++)
        assert_true(p->procs[i - 1].num < p->procs[i].num);
    for (i = 0; i < p->nprocs; i++) {
        assert_non_null(p->procs[i].handler);
        assert_ptr_equal(qd_program_find(p, p->procs[i].num), &p->procs[i]);
    }
}

static void
test_remote_sorted(void **state)
{
    (void) state;
    assert_true(qd_program_remote.nprocs > 100);
    check_sorted(&qd_program_remote);
}

/* the ADMIN program serves all of libvirt 9.0's 19 procedures */
static void
test_admin_and_qemu_tables(void **state)
{
    int32_t n;

    (void) state;
    check_sorted(&qd_program_admin);
    check_sorted(&qd_program_qemu);
    assert_int_equal(qd_program_admin.nprocs, 19);
    for (n = 1; n <= 19; n++)
        assert_non_null(qd_program_find(&qd_program_admin, n));
}

static void
test_remote_rows(void **state)
{
    const struct qd_program *p = &qd_program_remote;
    size_t i;

    (void) state;
    for (i = 0; i < p->nprocs; i++) {
        const struct qd_proc *r = &p->procs[i];

        assert_non_null(r->handler);
        assert_non_null(r->name);
        assert_true(r->slot < sizeof(struct qd_driver));
        assert_ptr_equal(qd_program_find(p, r->num), r);
    }
    assert_null(qd_program_find(p, 0));
    assert_null(qd_program_find(p, -1));
    assert_null(qd_program_find(p, 9999));
}

/* libvirt's read-only and priority rules for a few well-known calls */
static void
test_remote_known_flags(void **state)
{
    const struct qd_program *p = &qd_program_remote;

    (void) state;
    assert_true(qd_program_find(p, 66)->flags & QD_PROC_NOCONN);  /* AuthList */
    assert_true(qd_program_find(p, 23)->flags & QD_PROC_RO);
    assert_false(qd_program_find(p, 12)->flags & QD_PROC_RO);     /* Destroy */
    assert_true(qd_program_find(p, 12)->flags & QD_PROC_PRIO);
    assert_false(qd_program_find(p, 9)->flags & QD_PROC_PRIO);    /* Create */
    assert_string_equal(qd_program_find(p, 12)->api, "virDomainDestroy");
    /* the stream procedures: refused read-only, normal lane */
    assert_int_equal(qd_program_find(p, 201)->flags, 0);        /* OpenConsole */
    assert_int_equal(qd_program_find(p, 211)->flags, 0);        /* Screenshot */
    assert_string_equal(qd_program_find(p, 211)->api, "virDomainScreenshot");
}

static void
test_api_error_domain(void **state)
{
    (void) state;
    assert_int_equal(qd_dispatch_api_domain("virDomainDestroy"), QD_FROM_DOMAIN);
    assert_int_equal(qd_dispatch_api_domain("virDomainQemuMonitorCommand"),
                     QD_FROM_NONE);
    assert_int_equal(qd_dispatch_api_domain("virConnectListAllSecrets"),
                     QD_FROM_SECRET);
    assert_int_equal(qd_dispatch_api_domain("virNetworkDestroy"),
                     QD_FROM_NETWORK);
    assert_int_equal(qd_dispatch_api_domain("virStoragePoolCreate"),
                     QD_FROM_STORAGE);
    assert_int_equal(qd_dispatch_api_domain("virDomainInterfaceStats"),
                     QD_FROM_DOMAIN);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remote_sorted),
        cmocka_unit_test(test_admin_and_qemu_tables),
        cmocka_unit_test(test_remote_rows),
        cmocka_unit_test(test_remote_known_flags),
        cmocka_unit_test(test_api_error_domain),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
