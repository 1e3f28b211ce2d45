/* qemud bench: libvirt RPC framing by hand. */
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
    return p + 4;
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
           (uint32_t) p[2] << 8 | p[3];
}

size_t
w_call(uint8_t *buf, uint32_t proc, uint32_t serial)
{
    static const char name[] = "test:///default";
    uint8_t *p = buf + 4;
    size_t n;

    p = put32(p, W_PROG_REMOTE);
    p = put32(p, 1);
    p = put32(p, proc);
    p = put32(p, W_CALL);
    p = put32(p, serial);
    p = put32(p, W_STATUS_OK);
    switch (proc) {
    case W_PROC_CONNECT_OPEN:
        /* remote_string name (optional: present flag, length, bytes, pad),
         * int flags */
        p = put32(p, 1);
        p = put32(p, sizeof(name) - 1);
        memcpy(p, name, sizeof(name) - 1);
        p += sizeof(name) - 1;
        while ((p - buf) % 4)
            *p++ = 0;
        p = put32(p, 0);
        break;
    case W_PROC_LIST_ALL:
        p = put32(p, 1);     /* need_results */
        p = put32(p, 0);     /* flags */
        break;
    default:
        break;
    }
    n = (size_t) (p - buf);
    put32(buf, (uint32_t) n);
    return n;
}

void
w_parse_hdr(const uint8_t *p, struct w_hdr *h)
{
    h->len = get32(p);
    h->prog = get32(p + 4);
    h->vers = get32(p + 8);
    h->proc = get32(p + 12);
    h->type = get32(p + 16);
    h->serial = get32(p + 20);
    h->status = get32(p + 24);
}

void
w_error_text(const uint8_t *payload, size_t len, char *out, size_t outlen)
{
    /* remote_error: int code; int domain; remote_string message; ... */
    uint32_t code, present, slen;

    snprintf(out, outlen, "error reply");
    if (len < 12)
        return;
    code = get32(payload);
    present = get32(payload + 8);
    if (!present || len < 16) {
        snprintf(out, outlen, "error code %u", code);
        return;
    }
    slen = get32(payload + 12);
    if (slen > len - 16)
        slen = (uint32_t) (len - 16);
    snprintf(out, outlen, "code %u: %.*s", code, (int) slen, payload + 16);
}

int
w_connect(const char *path, int nonblock)
{
    struct sockaddr_un sa;
    int fd;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
                (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        int e = errno;

        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int
w_write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd pf = { fd, POLLOUT, 0 };

                (void) poll(&pf, 1, 1000);
                continue;
            }
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

/* Reads exactly @len bytes, waiting at most until @deadline. */
static int
read_full(int fd, uint8_t *buf, size_t len, uint64_t deadline)
{
    while (len > 0) {
        ssize_t n = read(fd, buf, len);

        if (n > 0) {
            buf += n;
            len -= (size_t) n;
            continue;
        }
        if (n == 0) {
            errno = ECONNRESET;
            return -1;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) {
            struct pollfd pf = { fd, POLLIN, 0 };
            uint64_t now = now_ns();

            if (now >= deadline) {
                errno = ETIMEDOUT;
                return -1;
            }
            (void) poll(&pf, 1, (int) ((deadline - now) / 1000000 + 1));
            continue;
        }
        return -1;
    }
    return 0;
}

int
w_read_reply(int fd, int64_t serial, int timeout_ms, char *errbuf,
             size_t errlen)
{
    uint64_t deadline = now_ns() + (uint64_t) timeout_ms * 1000000u;
    uint8_t hdr[W_HDR], small[4096], *body = small;
    struct w_hdr h;
    size_t blen;
    int rc = 0;

    for (;;) {
        if (read_full(fd, hdr, W_HDR, deadline) < 0) {
            snprintf(errbuf, errlen, "read: %s", strerror(errno));
            return -1;
        }
        w_parse_hdr(hdr, &h);
        if (h.len < W_HDR || h.len > (32u << 20)) {
            snprintf(errbuf, errlen, "bad frame length %u", h.len);
            return -1;
        }
        blen = h.len - W_HDR;
        if (blen > sizeof(small))
            body = malloc(blen);
        if (read_full(fd, body, blen, deadline) < 0) {
            snprintf(errbuf, errlen, "read: %s", strerror(errno));
            rc = -1;
        } else if (h.type != W_REPLY) {
            /* keepalive or event: not ours, keep reading */
            rc = 1;
        } else if (serial >= 0 && h.serial != (uint32_t) serial) {
            snprintf(errbuf, errlen, "unexpected serial %u (want %lld)",
                     h.serial, (long long) serial);
            rc = -1;
        } else if (h.status != W_STATUS_OK) {
            w_error_text(body, blen, errbuf, errlen);
            rc = -2;
        }
        if (body != small)
            free(body);
        body = small;
        if (rc != 1)
            return rc;
        rc = 0;
    }
}

int
w_call_sync(int fd, uint32_t proc, uint32_t serial, int timeout_ms,
            char *errbuf, size_t errlen)
{
    uint8_t buf[64];
    size_t n = w_call(buf, proc, serial);

    if (w_write_all(fd, buf, n) < 0) {
        snprintf(errbuf, errlen, "write: %s", strerror(errno));
        return -1;
    }
    return w_read_reply(fd, serial, timeout_ms, errbuf, errlen);
}

int
w_handshake(int fd, int timeout_ms, char *errbuf, size_t errlen)
{
    uint8_t buf[128];
    size_t n;

    n = w_call(buf, W_PROC_AUTH_LIST, 0);
    n += w_call(buf + n, W_PROC_CONNECT_OPEN, 1);
    if (w_write_all(fd, buf, n) < 0) {
        snprintf(errbuf, errlen, "write: %s", strerror(errno));
        return -1;
    }
    /* replies may come in either order */
    if (w_read_reply(fd, -1, timeout_ms, errbuf, errlen) != 0)
        return -1;
    return w_read_reply(fd, -1, timeout_ms, errbuf, errlen) == 0 ? 0 : -1;
}
