/* XDR codec and framing: byte-exact against libvirt's traces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc/msg.h"
#include "rpc/types_remote.h"
#include "rpc/wire.h"
#include "rpc/xdr.h"
#include "util/err.h"
#include "util/mem.h"

#define HDR(len, proc, type, serial, status)                            \
    (len) >> 24, ((len) >> 16) & 0xff, ((len) >> 8) & 0xff, (len) & 0xff, \
    0x20, 0x00, 0x80, 0x86, 0, 0, 0, 1,                                 \
    0, 0, ((proc) >> 8) & 0xff, (proc) & 0xff, 0, 0, 0, (type),          \
    0, 0, 0, (serial), 0, 0, 0, (status)

/* virsh -> AUTH_LIST call, libvirtd's reply types=[NONE] (traces/list) */
static const uint8_t auth_list_reply[] = {
    HDR(0x24, 66, 1, 0, 0),
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
};

/* CONNECT_OPEN("test:///default", 0), serial 2 */
static const uint8_t connect_open_call[] = {
    HDR(0x38, 1, 0, 2, 0),
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0f,
    't', 'e', 's', 't', ':', '/', '/', '/', 'd', 'e', 'f', 'a',
    'u', 'l', 't', 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* CONNECT_LIST_ALL_DOMAINS reply: [{"test", uuid, 1}], ret 1 */
static const uint8_t list_all_reply[] = {
    HDR(0x40, 0x111, 1, 6, 0),
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 't', 'e', 's', 't',
    0x66, 0x95, 0xeb, 0x01, 0xf6, 0xa4, 0x83, 0x04,
    0x79, 0xaa, 0x97, 0xf2, 0x50, 0x2e, 0x19, 0x3f,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
};

/* DOMAIN_LOOKUP_BY_NAME error reply: code 42, domain 12 (README §4) */
static const uint8_t no_domain_reply[] = {
    HDR(0x70, 23, 1, 6, 1),
    0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x0c,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10,
    'D', 'o', 'm', 'a', 'i', 'n', ' ', 'n', 'o', 't', ' ', 'f',
    'o', 'u', 'n', 'd',
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10,
    'D', 'o', 'm', 'a', 'i', 'n', ' ', 'n', 'o', 't', ' ', 'f',
    'o', 'u', 'n', 'd',
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
};

static const unsigned char test_uuid[16] = {
    0x66, 0x95, 0xeb, 0x01, 0xf6, 0xa4, 0x83, 0x04,
    0x79, 0xaa, 0x97, 0xf2, 0x50, 0x2e, 0x19, 0x3f,
};

static void
assert_msg_bytes(struct qd_msg *m, const uint8_t *want, size_t len)
{
    assert_non_null(m);
    assert_int_equal(m->buf.len, len);
    assert_memory_equal(m->buf.data, want, len);
    qd_msg_free(m);
}

static struct qd_msg_header
reply_hdr(int proc, uint32_t serial)
{
    struct qd_msg_header h = {
        .prog = QD_PROG_REMOTE, .vers = 1, .proc = proc,
        .type = QD_MSG_REPLY, .serial = serial, .status = QD_STATUS_OK,
    };

    return h;
}

static void
test_auth_list_reply(void **state)
{
    struct qd_msg_header h = reply_hdr(66, 0);
    int32_t types[1] = { 0 };
    struct qd_w_auth_list r = { { 1, types } };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_msg_bytes(qd_msg_build(&h, &qd_t_auth_list, &r, &err),
                     auth_list_reply, sizeof(auth_list_reply));
}

static void
test_connect_open_decode(void **state)
{
    struct qd_msg m = { 0 };
    struct qd_w_open_args args = { 0 };
    struct qd_xdr_dec d;
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    m.buf.data = (uint8_t *) connect_open_call;
    m.buf.len = sizeof(connect_open_call);
    assert_int_equal(qd_msg_decode_header(m.buf.data, m.buf.len, &m.hdr,
                                          &err), 0);
    assert_int_equal(m.hdr.proc, 1);
    assert_int_equal(m.hdr.serial, 2);
    assert_int_equal(m.hdr.type, QD_MSG_CALL);
    qd_msg_payload(&m, &d);
    assert_int_equal(qd_xdr_decode(&d, &qd_t_open_args, &args, &err), 0);
    assert_string_equal(args.name, "test:///default");
    assert_int_equal(args.flags, 0);
    assert_int_equal(d.off, d.len);
    qd_xdr_free(&qd_t_open_args, &args);
}

static void
test_list_all_reply(void **state)
{
    struct qd_msg_header h = reply_hdr(0x111, 6);
    struct qd_dom_ref dom = { .name = (char *) "test", .id = 1 };
    struct qd_w_dom_list r = { { 1, &dom }, 1 };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    memcpy(dom.uuid, test_uuid, 16);
    assert_msg_bytes(qd_msg_build(&h, &qd_t_dom_list, &r, &err),
                     list_all_reply, sizeof(list_all_reply));
}

static void
test_error_reply(void **state)
{
    struct qd_msg_header call = {
        .prog = QD_PROG_REMOTE, .vers = 1, .proc = 23, .serial = 6,
    };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    qd_err_report(&err, QD_ERR_NO_DOMAIN, QD_FROM_TEST, NULL);
    assert_string_equal(err.message, "Domain not found");
    assert_msg_bytes(qd_msg_build_error(&call, &err), no_domain_reply,
                     sizeof(no_domain_reply));
    qd_err_clear(&err);
}

/* char x<N>: a count, then one 4-byte word per char; libvirt includes the
 * NUL: "testSecurity" is 13 elements, 56 bytes (traces/dominfo). */
static void
test_char_array_rule(void **state)
{
    struct qd_w_sec_model m = { 0 };
    struct qd_w_sec_model back = { 0 };
    struct qd_buf b = { 0 };
    struct qd_xdr_dec d;
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    m.model.data = (uint8_t *) "testSecurity";
    m.model.len = 13;
    m.doi.data = (uint8_t *) "";
    m.doi.len = 1;
    qd_xdr_encode(&b, &qd_t_sec_model, &m);
    assert_int_equal(b.len, 56 + 8);
    assert_int_equal(b.data[3], 13);
    assert_int_equal(b.data[7], 't');
    assert_int_equal(b.data[4], 0);
    assert_int_equal(b.data[52 + 3], 0);      /* the NUL element */
    assert_int_equal(b.data[59], 1);          /* doi count */
    d = (struct qd_xdr_dec) { b.data, b.len, 0 };
    assert_int_equal(qd_xdr_decode(&d, &qd_t_sec_model, &back, &err), 0);
    assert_int_equal(back.model.len, 13);
    assert_string_equal((char *) back.model.data, "testSecurity");
    qd_xdr_free(&qd_t_sec_model, &back);
    qd_buf_clear(&b);
}

/* NODE_GET_INFO's ret has char model[32]: 32 words, no count, so the
 * reply payload is 160 bytes (README §3). */
static void
test_node_info_size(void **state)
{
    struct qd_w_node_info ni = { { 'x', '8', '6', '_', '6', '4' } };
    struct qd_buf b = { 0 };

    (void) state;
    qd_xdr_encode(&b, &qd_t_node_info, &ni);
    assert_int_equal(b.len, 160);
    assert_int_equal(b.data[3], 'x');
    assert_int_equal(b.data[7], '8');
    qd_buf_clear(&b);
}

static void
test_string_bound(void **state)
{
    uint8_t in[] = { 0x00, 0x40, 0x00, 0x01, 'a', 'b', 'c', 'd' };
    struct qd_xdr_dec d = { in, sizeof(in), 0 };
    struct qd_w_string s = { 0 };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    /* 4 MiB + 1 bytes claimed: over REMOTE_STRING_MAX */
    assert_int_equal(qd_xdr_decode(&d, &qd_t_string, &s, &err), -1);
    assert_int_equal(err.code, QD_ERR_RPC);
    assert_null(s.s);
    qd_err_clear(&err);
}

static void
test_short_string(void **state)
{
    uint8_t in[] = { 0x00, 0x00, 0x00, 0x08, 'a', 'b', 'c', 'd' };
    struct qd_xdr_dec d = { in, sizeof(in), 0 };
    struct qd_w_string s = { 0 };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_xdr_decode(&d, &qd_t_string, &s, &err), -1);
    assert_null(s.s);
    qd_err_clear(&err);
}

static void
test_array_bound(void **state)
{
    /* 16385 domains claimed: over REMOTE_DOMAIN_LIST_MAX */
    uint8_t in[] = { 0x00, 0x00, 0x40, 0x01, 0, 0, 0, 0 };
    struct qd_xdr_dec d = { in, sizeof(in), 0 };
    struct qd_w_dom_list l = { { 0 }, 0 };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_xdr_decode(&d, &qd_t_dom_list, &l, &err), -1);
    assert_int_equal(err.code, QD_ERR_RPC);
    qd_err_clear(&err);
}

static void
test_array_count_exceeds_input(void **state)
{
    /* 1000 elements claimed, 4 bytes present: rejected before allocating */
    uint8_t in[] = { 0x00, 0x00, 0x03, 0xe8, 0, 0, 0, 0 };
    struct qd_xdr_dec d = { in, sizeof(in), 0 };
    struct qd_w_int_list l = { { 0 } };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_xdr_decode(&d, &qd_t_int_list, &l, &err), -1);
    assert_null(l.ids.items);
    qd_err_clear(&err);
}

static void
test_partial_array_freed(void **state)
{
    /* two strings promised, the second truncated: the first is freed */
    uint8_t in[] = { 0, 0, 0, 2, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 0, 0, 9 };
    struct qd_xdr_dec d = { in, sizeof(in), 0 };
    struct qd_w_string_list l = { { 0 } };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_xdr_decode(&d, &qd_t_string_list, &l, &err), -1);
    assert_int_equal(l.names.n, 0);
    assert_null(l.names.items);
    qd_err_clear(&err);
}

static void
test_optional_flag(void **state)
{
    uint8_t in[] = { 0, 0, 0, 2 };
    struct qd_xdr_dec d = { in, sizeof(in), 0 };
    struct qd_w_opt_string s = { 0 };
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_xdr_decode(&d, &qd_t_opt_string, &s, &err), -1);
    qd_err_clear(&err);
}

static void
test_typed_params_roundtrip(void **state)
{
    struct qd_tparam tp[3] = {
        { .field = (char *) "weight", .type = QD_TP_UINT, .v.ui = 50 },
        { .field = (char *) "s", .type = QD_TP_STRING, .v.s = (char *) "x" },
        { .field = (char *) "l", .type = QD_TP_LLONG, .v.l = -2 },
    };
    struct qd_w_tparams in = { { 3, tp } }, out = { { 0 } };
    struct qd_tparam *o;
    struct qd_buf b = { 0 };
    struct qd_xdr_dec d;
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    qd_xdr_encode(&b, &qd_t_tparams, &in);
    /* count, "weight" (4+8), type 2, 50 */
    assert_int_equal(b.len, 4 + 12 + 4 + 4 + 8 + 4 + 8 + 8 + 4 + 8);
    d = (struct qd_xdr_dec) { b.data, b.len, 0 };
    assert_int_equal(qd_xdr_decode(&d, &qd_t_tparams, &out, &err), 0);
    assert_int_equal(out.params.n, 3);
    o = out.params.items;
    assert_string_equal(o[0].field, "weight");
    assert_int_equal(o[0].v.ui, 50);
    assert_string_equal(o[1].v.s, "x");
    assert_int_equal(o[2].v.l, -2);
    qd_xdr_free(&qd_t_tparams, &out);
    qd_buf_clear(&b);
}

static void
test_frame_length_bounds(void **state)
{
    static const uint32_t bad[] = { 0, 4, 27, QD_MSG_MAX + 5, 0x7fffffff,
                                    0xffffffff };
    uint8_t p[4];
    struct qd_err err = QD_ERR_INIT;
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p[0] = bad[i] >> 24;
        p[1] = bad[i] >> 16;
        p[2] = bad[i] >> 8;
        p[3] = bad[i];
        assert_int_equal(qd_msg_decode_length(p, &err), -1);
        qd_err_clear(&err);
    }
    p[0] = 0; p[1] = 0; p[2] = 0; p[3] = 28;
    assert_int_equal(qd_msg_decode_length(p, &err), 28);
    p[0] = 0x02; p[1] = 0; p[2] = 0; p[3] = 4;      /* 32 MiB + 4 */
    assert_int_equal(qd_msg_decode_length(p, &err), QD_MSG_MAX + 4);
}

static void
test_header_decode(void **state)
{
    static const uint8_t call[] = {
        0x00, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x80, 0x86,
        0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8,
        0x00, 0x00, 0x00, 0x00,
    };
    struct qd_msg_header h;
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_msg_decode_header(call, sizeof(call), &h, &err), 0);
    assert_int_equal(h.prog, QD_PROG_REMOTE);
    assert_int_equal(h.proc, -1);
    assert_int_equal(h.serial, 1000);
    assert_int_equal(qd_msg_decode_header(call, 20, &h, &err), -1);
    qd_err_clear(&err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_list_reply),
        cmocka_unit_test(test_connect_open_decode),
        cmocka_unit_test(test_list_all_reply),
        cmocka_unit_test(test_error_reply),
        cmocka_unit_test(test_char_array_rule),
        cmocka_unit_test(test_node_info_size),
        cmocka_unit_test(test_string_bound),
        cmocka_unit_test(test_short_string),
        cmocka_unit_test(test_array_bound),
        cmocka_unit_test(test_array_count_exceeds_input),
        cmocka_unit_test(test_partial_array_freed),
        cmocka_unit_test(test_optional_flag),
        cmocka_unit_test(test_typed_params_roundtrip),
        cmocka_unit_test(test_frame_length_bounds),
        cmocka_unit_test(test_header_decode),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
