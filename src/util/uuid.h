/* UUIDs in libvirt's textual form (RFC 4122 random version 4). */
#ifndef QD_UTIL_UUID_H
#define QD_UTIL_UUID_H

#define QD_UUID_BUFLEN 16
#define QD_UUID_STRLEN 37       /* 36 characters + NUL */

/* Parse @s into @out. Accepts what libvirt accepts: surrounding
 * whitespace, and '-' or ' ' between hex digit pairs, exactly 32 hex
 * digits. Returns 0, or -1 when @s is malformed (no error reported). */
int qd_uuid_parse(const char *s, unsigned char out[16]);
/* Write the canonical 8-4-4-4-12 lower-case form of @u into @out. */
void qd_uuid_format(const unsigned char u[16], char out[37]);
/* Fill @out with a random version-4 UUID. Thread-safe. */
void qd_uuid_generate(unsigned char out[16]);
/* Fill @buf with @len random bytes (getrandom, /dev/urandom fallback).
 * Aborts if no randomness is available at all. Thread-safe. */
void qd_uuid_random_bytes(void *buf, unsigned long len);

#endif
