# shellcheck shell=bash
# Start and stop the two daemons under test. Sourced by run.sh, which sets
# RUN (private run dir), QEMUD (binary), NOFILE, and the limit variables.
# Every daemon started here is recorded in $RUN/pids and stopped by pid.
#
# OWN_SESSION=0 (default): both daemons run in the foreground as children
# of the bench, in its session, so the kernel schedules their threads and
# the client's threads as peers. OWN_SESSION=1: both detach (-d) into
# sessions of their own; with sched_autogroup (or a service manager's
# cgroups) each daemon then gets its own share of the CPUs, which changes
# what is measured (docs/performance.md, "Scheduling").

daemon_conf_limits() {
    cat <<CONF
max_clients = $MAX_CLIENTS
max_queued_clients = $MAX_QUEUED
max_anonymous_clients = $MAX_CLIENTS
min_workers = $MIN_WORKERS
max_workers = $MAX_WORKERS
prio_workers = $PRIO_WORKERS
max_client_requests = $MAX_REQUESTS
CONF
}

# wait_ready URI PID: until a virsh call answers (20 s at most).
wait_ready() {
    local uri=$1 pid=$2 _
    for _ in $(seq 200); do
        if virsh -c "$uri" version >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# wait_pidfile FILE: prints the pid once the file holds one (10 s at most).
wait_pidfile() {
    local f=$1 _
    for _ in $(seq 100); do
        if [ -s "$f" ]; then
            cat "$f"
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# start_libvirtd: a private session-mode libvirtd as user lvref, per
# REFERENCE-LIBVIRTD.md. Sets LV_PID, LV_SOCK, LV_URI.
start_libvirtd() {
    local d=$RUN/libvirtd
    rm -rf "$d"
    mkdir -p "$d/run" "$d/home" "$d/config" "$d/cache"
    { daemon_conf_limits; echo "log_outputs = \"3:file:$d/libvirtd.log\""; } \
        > "$d/libvirtd.conf"
    chown -R lvref: "$d"
    chmod 700 "$d/run"
    # The outer prlimit (root) sets the hard limit; pam_limits in runuser may
    # reset the soft one, so the inner shell raises it again.
    # shellcheck disable=SC2016 # $(ulimit -Hn) is for the inner shell
    local detach=()
    [ "${OWN_SESSION:-0}" = 1 ] && detach=(-d)
    prlimit --nofile="$NOFILE:$NOFILE" \
        runuser -u lvref -- /bin/sh -c 'ulimit -Sn "$(ulimit -Hn)"; exec "$@"' sh \
        env -i HOME="$d/home" XDG_RUNTIME_DIR="$d/run" \
        XDG_CONFIG_HOME="$d/config" XDG_CACHE_HOME="$d/cache" \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        libvirtd "${detach[@]}" -f "$d/libvirtd.conf" -p "$d/libvirtd.pid" \
        > "$d/stdio.log" 2>&1 &
    if [ "${OWN_SESSION:-0}" = 1 ]; then
        wait $! || die "libvirtd did not start (see $d/libvirtd.log)"
    fi
    LV_PID=$(wait_pidfile "$d/libvirtd.pid") ||
        die "libvirtd wrote no pid file (see $d/libvirtd.log)"
    echo "$LV_PID" >> "$RUN/pids"
    LV_SOCK=$d/run/libvirt/libvirt-sock
    LV_URI="test+unix:///default?socket=$LV_SOCK"
    wait_ready "$LV_URI" "$LV_PID" ||
        die "libvirtd does not answer on $LV_SOCK (see $d/libvirtd.log)"
}

# start_qemud: qemud with the same limits. Sets QD_PID, QD_SOCK, QD_URI.
start_qemud() {
    local d=$RUN/qemud
    rm -rf "$d"
    mkdir -p "$d"
    { daemon_conf_limits
      echo "unix_sock_dir = \"$d/s\""
      echo "root_dir = \"$d/root\""
      echo "log_outputs = \"3:file:$d/qemud.log\""; } > "$d/qemud.conf"
    local detach=()
    [ "${OWN_SESSION:-0}" = 1 ] && detach=(-d)
    prlimit --nofile="$NOFILE:$NOFILE" \
        "$QEMUD" "${detach[@]}" -f "$d/qemud.conf" -p "$d/qemud.pid" \
        > "$d/stdio.log" 2>&1 &
    if [ "${OWN_SESSION:-0}" = 1 ]; then
        wait $! || die "qemud did not start (see $d/qemud.log)"
    fi
    QD_PID=$(wait_pidfile "$d/qemud.pid") ||
        die "qemud wrote no pid file (see $d/qemud.log)"
    echo "$QD_PID" >> "$RUN/pids"
    QD_SOCK=$d/s/libvirt-sock
    QD_URI="test+unix:///default?socket=$QD_SOCK"
    wait_ready "$QD_URI" "$QD_PID" ||
        die "qemud does not answer on $QD_SOCK (see $d/qemud.log)"
}

# stop_pid PID: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
    local pid=$1 _
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# Log files can grow fast when a daemon keeps failing accept(): keep the
# head and the tail only.
trim_log() {
    local f=$1
    [ -f "$f" ] || return 0
    if [ "$(stat -c %s "$f")" -gt $((20 * 1024 * 1024)) ]; then
        { head -c 1048576 "$f"; echo; echo "[... bench: trimmed ...]"
          tail -c 1048576 "$f"; } > "$f.trim"
        mv "$f.trim" "$f"
    fi
}

stop_libvirtd() {
    stop_pid "${LV_PID:-}"
    LV_PID=
    trim_log "$RUN/libvirtd/libvirtd.log"
}

stop_qemud() {
    stop_pid "${QD_PID:-}"
    QD_PID=
    trim_log "$RUN/qemud/qemud.log"
}
