/* Unit tests of the domain -> QEMU argv builder
 * (src/drivers/qemu/qemu_command.c).
 *
 * Each case parses tests/data/qemuargv/NAME.xml and compares the argv
 * with NAME.args (one argument per line), or, for refused
 * configurations, checks the error (code 67 CONFIG_UNSUPPORTED from
 * domain 10 QEMU) and its text. Every .args file was also run by
 * tests/guests/check_argv.py against the real qemu-system-x86_64 7.2
 * (paused, query-status, quit, nothing on stderr), and the PCI
 * addresses were compared with what libvirt 9.0 gives the same XML.
 * QD_TEST_REGENERATE=1 rewrites the .args files from the current code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_data.h"

#include "conf/domain_conf.h"
#include "drivers/qemu/qemu_command.h"
#include "util/buf.h"
#include "util/mem.h"


/* Paths the .args files contain; check_argv.py rewrites /srv/qemud-test
 * (also used for images in the XML files) to a scratch directory. */
#define MONITOR "/srv/qemud-test/monitor.sock"
#define PIDFILE "/srv/qemud-test/qemu.pid"

static char *
data_path(const char *name, const char *ext)
{
    const char *dir = getenv("QD_TEST_DATA_DIR");

    return qd_asprintf("%s/qemuargv/%s.%s", dir ? dir : QD_TEST_DATA_DIR,
                       name, ext);
}

static struct qd_dom_def *
parse(const char *name)
{
    _cleanup_free_ char *path = data_path(name, "xml");
    _cleanup_free_ char *xml = qd_test_read_path(path);
    struct qd_err err = QD_ERR_INIT;
    struct qd_dom_def *def = qd_dom_def_parse(xml, &err);

    if (!def)
        fail_msg("%s: parse failed: %s", path, err.message);
    return def;
}

/* Builds the argv of @name with @kvm; NULL with @err set on failure. */
static char **
build(const char *name, bool kvm, struct qd_err *err)
{
    struct qd_dom_def *def = parse(name);
    struct qd_qemu_cmd_opts opts = {
        .emulator = NULL,
        .monitor_path = MONITOR,
        .pidfile = PIDFILE,
        .kvm = kvm,
        .start_paused = true,
        .vnc_port_hint = -1,
    };
    char **argv = qd_qemu_build_argv(def, &opts, err);

    qd_dom_def_free(def);
    return argv;
}

/* Compares the argv of @name.xml with @args.args. */
static void
check_args_as(const char *name, const char *args, bool kvm)
{
    struct qd_err err = QD_ERR_INIT;
    char **argv = build(name, kvm, &err);
    _cleanup_free_ char *path = data_path(args, "args");
    _cleanup_free_ char *expected = NULL;
    _cleanup_free_ char *got = NULL;
    struct qd_buf b = { 0 };
    size_t i;

    if (!argv)
        fail_msg("%s: build failed: %s", name, err.message);
    for (i = 0; argv[i]; i++)
        qd_buf_printf(&b, "%s\n", argv[i]);
    qd_qemu_argv_free(argv);
    got = qd_buf_steal_str(&b);
    if (getenv("QD_TEST_REGENERATE")) {
        FILE *f = fopen(path, "w");

        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    expected = qd_test_read_path(path);
    if (strcmp(expected, got) != 0) {
        fprintf(stderr, "--- %s\n%s--- got\n%s", path, expected, got);
        fail_msg("%s: argv differs", name);
    }
}

static void
check_error(const char *name, bool kvm, const char *message)
{
    struct qd_err err = QD_ERR_INIT;
    char **argv = build(name, kvm, &err);

    assert_null(argv);
    assert_int_equal(err.code, QD_ERR_CONFIG_UNSUPPORTED);
    assert_int_equal(err.domain, QD_FROM_QEMU);
    assert_string_equal(err.message, message);
    qd_err_clear(&err);
}

static void
check_args(const char *name, bool kvm)
{
    check_args_as(name, name, kvm);
}

/* ---- argv cases ---- */

static void
test_minimal_tcg(void **state)
{
    (void) state;
    check_args("minimal-tcg", false);
}

static void
test_kernel_boot(void **state)
{
    (void) state;
    check_args("kernel-boot", false);
}

static void
test_bootsector(void **state)
{
    (void) state;
    check_args("bootsector", false);
}

static void
test_disks(void **state)
{
    (void) state;
    check_args("disks", false);
}

static void
test_net_user(void **state)
{
    (void) state;
    check_args("net-user", false);
}

static void
test_serial_console(void **state)
{
    (void) state;
    check_args("serial-console", false);
}

static void
test_vnc_unix(void **state)
{
    (void) state;
    check_args("vnc-unix", false);
}

static void
test_q35(void **state)
{
    (void) state;
    check_args("q35", false);
}

static void
test_clock_timers(void **state)
{
    (void) state;
    check_args("clock-timers", false);
}

/* What virt-install and libvirt write for a q35 guest: root ports,
 * every address explicit, the built-in AHCI at 00:1f.2. */
static void
test_virt_install_q35(void **state)
{
    (void) state;
    check_args("virt-install-q35", false);
}

/* What virt-install 4.1 prints for --import with --osinfo
 * detect=on,require=off (a generic OS): pc-i440fx with the ICH9 EHCI1
 * and its three UHCI companions sharing one slot, direct kernel boot,
 * a pty console: test_virt_install_import in
 * tests/integration/test_qemu_driver.py runs it. */
static void
test_virt_install_import(void **state)
{
    (void) state;
    check_args("virt-install-import", false);
}

/* The same on pc with a user NIC (e1000), a tablet, VNC, VGA, an rng
 * and an IDE qcow2 disk: addresses in libvirt's order (video 2, NIC 3,
 * the USB set 4, rng 5), the tablet on port 1. */
static void
test_virt_install_pc(void **state)
{
    (void) state;
    check_args("virt-install-pc", false);
}

/* --machine q35 with a generic OS: 14 root ports without addresses
 * packed eight to a slot, the first UHCI1 at 00:1d, e1000e behind the
 * first root port. */
static void
test_virt_install_q35_generic(void **state)
{
    (void) state;
    check_args("virt-install-q35-generic", false);
}

/* --osinfo linux2022: virtio devices behind the root ports, qemu-xhci
 * with ports='15' (p2/p3), the guest agent channel. */
static void
test_virt_install_linux2022(void **state)
{
    (void) state;
    check_args("virt-install-linux2022", false);
}

/* Three ICH9 USB2 sets in mixed order: each shares one slot, a set with
 * one addressed member follows it, companions name their master's bus;
 * USB inputs take free ports, or the one they ask for. */
static void
test_usb_ich9_addr(void **state)
{
    (void) state;
    check_args("usb-ich9-addr", false);
}

/* On q35 the first two UHCI1 go to 00:1d and 00:1a. */
static void
test_usb_ich9_q35(void **state)
{
    (void) state;
    check_args("usb-ich9-q35", false);
}

/* Fixed start time, i686 on q35, pit discard, no kvmclock */
static void
test_clock_absolute(void **state)
{
    (void) state;
    check_args("clock-absolute", false);
}

/* The same host-model definition: "host" under KVM, "max" under TCG. */
static void
test_kvm_vs_tcg(void **state)
{
    (void) state;
    check_args_as("cpu-host-model", "cpu-host-model-kvm", true);
    check_args_as("cpu-host-model", "cpu-host-model-tcg", false);
}

static void
test_kvm_passthrough(void **state)
{
    (void) state;
    check_args("kvm-passthrough", true);
}

/* ---- refused configurations ---- */

static void
test_err_passthrough_tcg(void **state)
{
    (void) state;
    check_error("kvm-passthrough", false,
                "unsupported configuration: CPU mode 'host-passthrough' for "
                "x86_64 qemu domain on x86_64 host is not supported by "
                "hypervisor");
}

static void
test_err_net_network(void **state)
{
    (void) state;
    check_error("err-net-network", false,
                "unsupported configuration: interface type 'network' is "
                "not supported");
}

static void
test_err_watchdog(void **state)
{
    (void) state;
    check_error("err-watchdog", false,
                "unsupported configuration: watchdog device is not "
                "supported");
}

static void
test_err_spice(void **state)
{
    (void) state;
    check_error("err-spice", false,
                "unsupported configuration: graphics type 'spice' is not "
                "supported");
}

static void
test_err_ide_q35(void **state)
{
    (void) state;
    check_error("err-ide-q35", false,
                "unsupported configuration: IDE controllers are unsupported "
                "for this QEMU binary or machine type");
}

static void
test_err_pci_double(void **state)
{
    (void) state;
    check_error("err-pci-double", false,
                "unsupported configuration: Attempted double use of PCI "
                "Address 0000:00:05.0");
}

static void
test_err_topology(void **state)
{
    (void) state;
    check_error("err-topology", false,
                "unsupported configuration: CPU topology doesn't match "
                "maximum vcpu count");
}

static void
test_err_usb_ports(void **state)
{
    (void) state;
    check_error("err-usb-ports", false,
                "unsupported configuration: usb controller type "
                "'ich9-ehci1' doesn't support 'ports' with this QEMU binary");
}

static void
test_err_usb_model(void **state)
{
    (void) state;
    check_error("err-usb-model", false,
                "unsupported configuration: USB controller model "
                "'vt82c686b-uhci' not supported in this QEMU binary");
}

/* Commas in names and paths are doubled, so they cannot add options. */
static void
test_comma_escaping(void **state)
{
    (void) state;
    check_args("comma-escaping", false);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_tcg),
        cmocka_unit_test(test_kernel_boot),
        cmocka_unit_test(test_bootsector),
        cmocka_unit_test(test_disks),
        cmocka_unit_test(test_net_user),
        cmocka_unit_test(test_serial_console),
        cmocka_unit_test(test_vnc_unix),
        cmocka_unit_test(test_q35),
        cmocka_unit_test(test_virt_install_q35),
        cmocka_unit_test(test_virt_install_import),
        cmocka_unit_test(test_virt_install_pc),
        cmocka_unit_test(test_virt_install_q35_generic),
        cmocka_unit_test(test_virt_install_linux2022),
        cmocka_unit_test(test_usb_ich9_addr),
        cmocka_unit_test(test_usb_ich9_q35),
        cmocka_unit_test(test_clock_timers),
        cmocka_unit_test(test_clock_absolute),
        cmocka_unit_test(test_kvm_vs_tcg),
        cmocka_unit_test(test_kvm_passthrough),
        cmocka_unit_test(test_comma_escaping),
        cmocka_unit_test(test_err_passthrough_tcg),
        cmocka_unit_test(test_err_net_network),
        cmocka_unit_test(test_err_watchdog),
        cmocka_unit_test(test_err_spice),
        cmocka_unit_test(test_err_ide_q35),
        cmocka_unit_test(test_err_pci_double),
        cmocka_unit_test(test_err_topology),
        cmocka_unit_test(test_err_usb_ports),
        cmocka_unit_test(test_err_usb_model),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
