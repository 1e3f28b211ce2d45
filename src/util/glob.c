/* Simple glob matching (see glob.h). */
#include "util/glob.h"

#include <stddef.h>

/* Advance over one UTF-8 character of @s (not at its end). */
static const char *
utf8_next(const char *s)
{
    s++;
    while (((unsigned char) *s & 0xc0) == 0x80)
        s++;
    return s;
}

bool
qd_glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;

    while (*s) {
        if (*pat == '*') {
            while (*pat == '*')
                pat++;
            if (!*pat)
                return true;
            star = pat;
            resume = s;
        } else if (*pat == '?') {
            pat++;
            s = utf8_next(s);
        } else if (*pat == *s) {
            pat++;
            s++;
        } else if (star) {
            pat = star;
            s = resume = utf8_next(resume);
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return !*pat;
}
