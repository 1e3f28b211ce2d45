/* qemud bench: libvirt RPC framing by hand (no libvirt library). */
#ifndef BENCH_WIRE_H
#define BENCH_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define W_PROG_REMOTE 0x20008086u
#define W_HDR 28                    /* length word + 24-byte header */
#define W_CALL 0
#define W_REPLY 1
#define W_STATUS_OK 0

enum {
    W_PROC_CONNECT_OPEN = 1,
    W_PROC_GET_VERSION = 4,
    W_PROC_AUTH_LIST = 66,
    W_PROC_LIST_ALL = 273,
};

struct w_hdr {
    uint32_t len, prog, vers, proc, type, serial, status;
};

/* Writes one CALL for @proc (args chosen by procedure) into @buf, which must
 * hold 64 bytes. Returns its length. */
size_t w_call(uint8_t *buf, uint32_t proc, uint32_t serial);
void w_parse_hdr(const uint8_t *p, struct w_hdr *h);

/* Blocking helpers on a connected socket; -1 on failure (message on stderr
 * when @verbose). */
int w_connect(const char *path, int nonblock);
int w_write_all(int fd, const void *buf, size_t len);
/* Reads frames until a REPLY (others are skipped); checks its status is OK
 * and its serial is @serial (any if negative). Returns 0, or -1 (I/O,
 * timeout after @timeout_ms) or -2 (error reply; text in @errbuf). */
int w_read_reply(int fd, int64_t serial, int timeout_ms, char *errbuf,
                 size_t errlen);
/* One synchronous call. */
int w_call_sync(int fd, uint32_t proc, uint32_t serial, int timeout_ms,
                char *errbuf, size_t errlen);
/* AUTH_LIST (serial 0) and CONNECT_OPEN "test:///default" (serial 1),
 * pipelined. */
int w_handshake(int fd, int timeout_ms, char *errbuf, size_t errlen);
/* Extracts the message of a remote_error payload. */
void w_error_text(const uint8_t *payload, size_t len, char *out, size_t outlen);

#endif
