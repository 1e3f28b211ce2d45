/* UUID parsing, formatting and generation. */
#include "util/uuid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

int
qd_uuid_parse(const char *s, unsigned char out[16])
{
    const char *p = s;
    int i = 0;

    while (is_space(*p))
        p++;
    /* libvirt-compat: '-' and ' ' may appear anywhere between digit pairs */
    while (i < QD_UUID_BUFLEN) {
        int hi, lo;

        if (*p == '\0')
            return -1;
        if (*p == '-' || *p == ' ') {
            p++;
            continue;
        }
        if ((hi = hexval(p[0])) < 0 || p[1] == '\0' ||
            (lo = hexval(p[1])) < 0)
            return -1;
        out[i++] = (unsigned char) (hi * 16 + lo);
        p += 2;
    }
    for (; *p; p++) {
        if (!is_space(*p))
            return -1;
    }
    return 0;
}

void
qd_uuid_format(const unsigned char u[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t i, o = 0;

    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[u[i] >> 4];
        out[o++] = hex[u[i] & 0xf];
    }
    out[o] = '\0';
}

void
qd_uuid_random_bytes(void *buf, unsigned long len)
{
    unsigned char *p = buf;
    unsigned long got = 0;

    while (got < len) {
        ssize_t n = getrandom(p + got, len - got, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        got += (unsigned long) n;
    }
    if (got < len) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

        while (fd >= 0 && got < len) {
            ssize_t n = read(fd, p + got, len - got);

            if (n <= 0) {
                if (n < 0 && errno == EINTR)
                    continue;
                break;
            }
            got += (unsigned long) n;
        }
        if (fd >= 0)
            close(fd);
    }
    if (got < len)
        abort();
}

void
qd_uuid_generate(unsigned char out[16])
{
    qd_uuid_random_bytes(out, QD_UUID_BUFLEN);
    out[6] = (out[6] & 0x0F) | 0x40;    /* version 4 */
    out[8] = (out[8] & 0x3F) | 0x80;    /* RFC 4122 variant */
}
