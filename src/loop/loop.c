/* An epoll event loop in the spirit of Redis's ae.c.
 *
 * fd watches live in an array indexed by fd. Each registration carries a
 * generation number in the epoll data, so an event that was already
 * collected for an fd that a callback closed (and maybe reused) within the
 * same batch is recognised as stale and dropped.
 *
 * Timers are few (the server uses a handful), so they sit in a small
 * array scanned for the nearest deadline. Cross-thread work arrives through
 * an eventfd: qd_loop_wake() bumps it, and the loop then runs the posted
 * functions and the wake hook. */
#include "loop/loop.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/mem.h"

#define LOOP_MAX_EVENTS 256

struct watch {
    qd_loop_fd_cb cb;
    void *opaque;
    uint32_t gen;
    uint32_t events;
    bool active;
};

struct timer {
    qd_loop_timer_cb cb;
    void *opaque;
    int interval_ms;       /* < 0: disarmed */
    int64_t due_ms;
    bool used;
};

struct post {
    struct post *next;
    qd_loop_fn fn;
    void *opaque;
};

struct qd_loop {
    int epfd;
    int wakefd;
    struct watch *watches;     /* indexed by fd */
    size_t nwatches;
    uint32_t gen;
    struct timer *timers;
    size_t ntimers;
    pthread_mutex_t post_lock;
    struct post *posts, *posts_tail;
    qd_loop_fn wake_hook;
    void *wake_opaque;
    pthread_t thread;
    bool running;               /* atomic: read by other threads */
    bool quit;                  /* atomic: set by any thread */
};

int64_t
qd_loop_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct qd_loop *
qd_loop_new(struct qd_err *err)
{
    struct qd_loop *loop = QD_NEW(struct qd_loop);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = UINT64_MAX };

    loop->epfd = loop->wakefd = -1;
    pthread_mutex_init(&loop->post_lock, NULL);
    if ((loop->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE, errno,
                   "cannot create epoll instance");
        goto fail;
    }
    if ((loop->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE, errno,
                   "cannot create eventfd");
        goto fail;
    }
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) < 0) {
        qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE, errno,
                   "cannot watch eventfd");
        goto fail;
    }
    return loop;
fail:
    qd_loop_free(loop);
    return NULL;
}

void
qd_loop_free(struct qd_loop *loop)
{
    struct post *p;

    if (!loop)
        return;
    if (loop->epfd >= 0)
        close(loop->epfd);
    if (loop->wakefd >= 0)
        close(loop->wakefd);
    while ((p = loop->posts)) {
        loop->posts = p->next;
        free(p);
    }
    pthread_mutex_destroy(&loop->post_lock);
    free(loop->watches);
    free(loop->timers);
    free(loop);
}

static uint64_t
watch_key(int fd, uint32_t gen)
{
    return (uint64_t) gen << 32 | (uint32_t) fd;
}

int
qd_loop_add_fd(struct qd_loop *loop, int fd, uint32_t events,
               qd_loop_fd_cb cb, void *opaque, struct qd_err *err)
{
    struct epoll_event ev;
    struct watch *w;

    if ((size_t) fd >= loop->nwatches) {
        size_t n = loop->nwatches ? loop->nwatches : 64;

        while (n <= (size_t) fd)
            n *= 2;
        loop->watches = qd_realloc(loop->watches, n * sizeof(*w));
        memset(loop->watches + loop->nwatches, 0,
               (n - loop->nwatches) * sizeof(*w));
        loop->nwatches = n;
    }
    w = &loop->watches[fd];
    w->cb = cb;
    w->opaque = opaque;
    w->gen = ++loop->gen;
    w->events = events;
    w->active = true;
    ev.events = events;
    ev.data.u64 = watch_key(fd, w->gen);
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        w->active = false;
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE, errno,
                          "cannot watch fd %d", fd);
    }
    return 0;
}

void
qd_loop_mod_fd(struct qd_loop *loop, int fd, uint32_t events)
{
    struct watch *w = &loop->watches[fd];
    struct epoll_event ev;

    if (!w->active || w->events == events)
        return;
    w->events = events;
    ev.events = events;
    ev.data.u64 = watch_key(fd, w->gen);
    (void) epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void
qd_loop_del_fd(struct qd_loop *loop, int fd)
{
    if (fd < 0 || (size_t) fd >= loop->nwatches || !loop->watches[fd].active)
        return;
    loop->watches[fd].active = false;
    (void) epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
}

int
qd_loop_add_timer(struct qd_loop *loop, int interval_ms, qd_loop_timer_cb cb,
                  void *opaque)
{
    size_t i;

    for (i = 0; i < loop->ntimers; i++)
        if (!loop->timers[i].used)
            break;
    if (i == loop->ntimers) {
        loop->timers = qd_realloc(loop->timers,
                                  ++loop->ntimers * sizeof(*loop->timers));
    }
    loop->timers[i] = (struct timer) {
        .cb = cb, .opaque = opaque, .interval_ms = interval_ms,
        .due_ms = qd_loop_now_ms() + (interval_ms > 0 ? interval_ms : 0),
        .used = true,
    };
    return (int) i;
}

void
qd_loop_update_timer(struct qd_loop *loop, int id, int interval_ms)
{
    struct timer *t = &loop->timers[id];

    t->interval_ms = interval_ms;
    t->due_ms = qd_loop_now_ms() + (interval_ms > 0 ? interval_ms : 0);
}

void
qd_loop_del_timer(struct qd_loop *loop, int id)
{
    if (id >= 0 && (size_t) id < loop->ntimers)
        loop->timers[id].used = false;
}

void
qd_loop_post(struct qd_loop *loop, qd_loop_fn fn, void *opaque)
{
    struct post *p = QD_NEW(struct post);

    p->fn = fn;
    p->opaque = opaque;
    pthread_mutex_lock(&loop->post_lock);
    if (loop->posts_tail)
        loop->posts_tail->next = p;
    else
        loop->posts = p;
    loop->posts_tail = p;
    pthread_mutex_unlock(&loop->post_lock);
    qd_loop_wake(loop);
}

void
qd_loop_wake(struct qd_loop *loop)
{
    uint64_t one = 1;

    (void) !write(loop->wakefd, &one, sizeof(one));
}

void
qd_loop_set_wake_hook(struct qd_loop *loop, qd_loop_fn fn, void *opaque)
{
    loop->wake_hook = fn;
    loop->wake_opaque = opaque;
}

void
qd_loop_quit(struct qd_loop *loop)
{
    __atomic_store_n(&loop->quit, true, __ATOMIC_RELEASE);
    qd_loop_wake(loop);
}

bool
qd_loop_is_loop_thread(const struct qd_loop *loop)
{
    /* @thread is written before @running is published */
    return __atomic_load_n(&loop->running, __ATOMIC_ACQUIRE) &&
           pthread_equal(loop->thread, pthread_self());
}

static int
next_timeout(struct qd_loop *loop, int64_t now)
{
    int64_t best = -1;
    size_t i;

    for (i = 0; i < loop->ntimers; i++) {
        struct timer *t = &loop->timers[i];
        int64_t d;

        if (!t->used || t->interval_ms < 0)
            continue;
        d = t->due_ms - now;
        if (d < 0)
            d = 0;
        if (best < 0 || d < best)
            best = d;
    }
    return (int) best;
}

static void
run_timers(struct qd_loop *loop)
{
    int64_t now = qd_loop_now_ms();
    size_t i;

    for (i = 0; i < loop->ntimers; i++) {
        struct timer *t = &loop->timers[i];

        if (!t->used || t->interval_ms < 0 || t->due_ms > now)
            continue;
        t->due_ms = now + t->interval_ms;
        t->cb(loop, (int) i, t->opaque);
    }
}

static void
run_posts(struct qd_loop *loop)
{
    struct post *p, *next;
    uint64_t v;

    (void) !read(loop->wakefd, &v, sizeof(v));
    pthread_mutex_lock(&loop->post_lock);
    p = loop->posts;
    loop->posts = loop->posts_tail = NULL;
    pthread_mutex_unlock(&loop->post_lock);
    for (; p; p = next) {
        next = p->next;
        p->fn(p->opaque);
        free(p);
    }
    if (loop->wake_hook)
        loop->wake_hook(loop->wake_opaque);
}

void
qd_loop_drain_posts(struct qd_loop *loop)
{
    for (;;) {
        struct post *p, *next;

        pthread_mutex_lock(&loop->post_lock);
        p = loop->posts;
        loop->posts = loop->posts_tail = NULL;
        pthread_mutex_unlock(&loop->post_lock);
        if (!p)
            return;
        for (; p; p = next) {
            next = p->next;
            p->fn(p->opaque);
            free(p);
        }
    }
}

void
qd_loop_run(struct qd_loop *loop)
{
    struct epoll_event evs[LOOP_MAX_EVENTS];

    loop->thread = pthread_self();
    __atomic_store_n(&loop->running, true, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&loop->quit, __ATOMIC_ACQUIRE)) {
        int n, i;
        bool woken = false;

        n = epoll_wait(loop->epfd, evs, LOOP_MAX_EVENTS,
                       next_timeout(loop, qd_loop_now_ms()));
        if (n < 0 && errno != EINTR)
            break;
        for (i = 0; i < n; i++) {
            uint64_t key = evs[i].data.u64;
            int fd = (int) (uint32_t) key;
            struct watch *w;

            if (key == UINT64_MAX) {
                woken = true;
                continue;
            }
            w = &loop->watches[fd];
            if (!w->active || w->gen != (uint32_t) (key >> 32))
                continue;     /* removed by an earlier callback */
            w->cb(loop, fd, evs[i].events, w->opaque);
        }
        if (woken)
            run_posts(loop);
        run_timers(loop);
    }
    __atomic_store_n(&loop->running, false, __ATOMIC_RELEASE);
}
