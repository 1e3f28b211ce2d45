/* The event loop: epoll fd watches, timers, and a cross-thread wake-up.
 *
 * Exactly one thread runs qd_loop_run(); every callback runs on it. Other
 * threads may only call qd_loop_wake(), qd_loop_post() and qd_loop_quit(). */
#ifndef QD_LOOP_LOOP_H
#define QD_LOOP_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct qd_err;
struct qd_loop;

typedef void (*qd_loop_fd_cb)(struct qd_loop *loop, int fd, uint32_t events,
                              void *opaque);
typedef void (*qd_loop_timer_cb)(struct qd_loop *loop, int id, void *opaque);
typedef void (*qd_loop_fn)(void *opaque);

struct qd_loop *qd_loop_new(struct qd_err *err);
void qd_loop_free(struct qd_loop *loop);

/* Loop thread (or before the loop runs). @events: EPOLLIN/EPOLLOUT mask. */
int qd_loop_add_fd(struct qd_loop *loop, int fd, uint32_t events,
                   qd_loop_fd_cb cb, void *opaque, struct qd_err *err);
void qd_loop_mod_fd(struct qd_loop *loop, int fd, uint32_t events);
void qd_loop_del_fd(struct qd_loop *loop, int fd);

/* Timers fire every @interval_ms (< 0: disarmed). Returns the timer id. */
int qd_loop_add_timer(struct qd_loop *loop, int interval_ms,
                      qd_loop_timer_cb cb, void *opaque);
void qd_loop_update_timer(struct qd_loop *loop, int id, int interval_ms);
void qd_loop_del_timer(struct qd_loop *loop, int id);

/* Any thread: run @fn(@opaque) on the loop thread soon. */
void qd_loop_post(struct qd_loop *loop, qd_loop_fn fn, void *opaque);
/* Any thread: make the loop call its wake hook. */
void qd_loop_wake(struct qd_loop *loop);
/* The hook run on the loop thread after every wake-up. */
void qd_loop_set_wake_hook(struct qd_loop *loop, qd_loop_fn fn, void *opaque);

/* After qd_loop_run() returned, on the thread that ran it: run what was
 * posted since (and what those post), so nothing posted is lost at
 * shutdown. */
void qd_loop_drain_posts(struct qd_loop *loop);

/* Runs until qd_loop_quit(). */
void qd_loop_run(struct qd_loop *loop);
void qd_loop_quit(struct qd_loop *loop);
bool qd_loop_is_loop_thread(const struct qd_loop *loop);

/* Monotonic milliseconds. */
int64_t qd_loop_now_ms(void);

#endif
