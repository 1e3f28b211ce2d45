/* Allocation that aborts on OOM, and the scoped-cleanup vocabulary. */
#ifndef QD_UTIL_MEM_H
#define QD_UTIL_MEM_H

#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

void *qd_malloc(size_t n);
void *qd_calloc(size_t n, size_t size);
void *qd_realloc(void *p, size_t n);
char *qd_strdup(const char *s);
char *qd_strndup(const char *s, size_t n);
char *qd_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define QD_NEW(type) ((type *) qd_calloc(1, sizeof(type)))

/* Returns *@pp and clears it: marks a hand-off of ownership. */
static inline void *
qd_steal_ptr_(void **pp)
{
    void *p = *pp;

    *pp = NULL;
    return p;
}
#define steal_ptr(pp) qd_steal_ptr_((void **) (pp))

static inline void
qd_freep_(void *p)
{
    free(*(void **) p);
}

static inline void
qd_closep_(int *fd)
{
    if (*fd >= 0)
        (void) close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(qd_freep_)
#define _cleanup_close_ _cleanup_(qd_closep_)

#define QD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
