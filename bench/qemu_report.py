#!/usr/bin/python3
"""Tables for bench/qemu.sh: qemud vs libvirtd vs raw QEMU, ratios, targets.

usage: qemu_report.py [JSON] [--md OUT.md]   (JSON: results/qemu-latest.json)
prints the tables again from a run's JSON (and writes them to OUT.md).

qemu_bench.py imports summarize() and markdown(). Standard library only.
Figures are reported, never asserted: nothing here fails a build.
"""
import json
import math
import os
import sys

# Issue 5's targets for qemud.
START_VS_FLOOR = 1.3        # start p50 <= 1.3 x raw floor p50
DESTROY_MS = 50.0           # destroy p50
RESTART_MS = 200.0          # restart with N guests, median round


def pct(xs, p):
    """Nearest-rank percentile of a non-empty list."""
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)]


def stats(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return {"n": len(xs), "p50": pct(xs, 50), "p90": pct(xs, 90),
            "min": min(xs), "max": max(xs), "mean": sum(xs) / len(xs)}


def cpu_ms(runs, clk_tck, key="cpu_ticks"):
    v = [r[key] for r in runs if r.get(key) is not None]
    return sum(v) * 1000.0 / clk_tck / len(v) if v else None


def summarize(res):
    tck = res["meta"].get("clk_tck", 100)
    out = {"start": {}, "destroy": {}, "restart": {}, "raw": {}, "targets": []}
    for who, modes in res["start"].items():
        for mode, runs in modes.items():
            e = {"ms": stats([r["ms"] for r in runs]),
                 "cpu_ms": cpu_ms(runs, tck),
                 "child_cpu_ms": cpu_ms(runs, tck, "child_cpu_ticks")}
            if mode == "define":
                e["define_ms"] = stats([r.get("define_ms") for r in runs])
            if mode == "raw":
                e["phases_p50"] = {k: pct([r[k] for r in runs], 50) for k in
                                   ("spawn_ms", "connect_ms", "greeting_ms",
                                    "caps_ms", "cont_ms", "connect_retries")}
            out["start"].setdefault(who, {})[mode] = e
    for who, modes in res["destroy"].items():
        runs = [r for m in modes.values() for r in m]
        out["destroy"][who] = {
            "ms": stats([r["ms"] for r in runs]),
            "cpu_ms": cpu_ms(runs, tck),
            "qemu_gone_at_return": sum(1 for r in runs if r.get("qemu_gone_at_return")),
            "n": len(runs)}
    for who, runs in res["restart"].items():
        e = {"ms": stats([r["ms"] for r in runs]),
             "open_ms": stats([r["open_ms"] for r in runs]),
             "socket_ms": stats([r.get("socket_ms") for r in runs]),
             "cpu_ms": cpu_ms(runs, tck),
             "child_cpu_ms": cpu_ms(runs, tck, "child_cpu_ticks"),
             "same_qemus": all(r.get("same_qemus") for r in runs)}
        if any("driver_ready_ms" in r for r in runs):
            e["driver_ready_ms"] = stats([r.get("driver_ready_ms") for r in runs])
            e["probe_ms"] = stats([r.get("probe_ms") for r in runs])
        out["restart"][who] = e

    def p50(section, who, mode=None):
        e = out[section].get(who)
        if e is not None and mode is not None:
            e = e.get(mode)
        return e["ms"]["p50"] if e and e.get("ms") else None

    floor = p50("start", "raw", "raw")
    for mode, label in (("create", "start, createXML"), ("define", "start, define + create")):
        q = p50("start", "qemud", mode)
        ratio = q / floor if q and floor else None
        out["targets"].append({"figure": label, "value": ratio,
                               "text": "qemud p50 <= %.1fx raw floor p50" % START_VS_FLOOR,
                               "met": None if ratio is None else ratio <= START_VS_FLOOR})
    q = p50("destroy", "qemud")
    out["targets"].append({"figure": "destroy", "value": q,
                           "text": "qemud p50 <= %.0f ms" % DESTROY_MS,
                           "met": None if q is None else q <= DESTROY_MS})
    q = p50("restart", "qemud")
    out["targets"].append({"figure": "restart, %d guests" % res["meta"].get("guests", 10),
                           "value": q, "text": "qemud p50 <= %.0f ms" % RESTART_MS,
                           "met": None if q is None else q <= RESTART_MS})
    return out


def cell(st):
    if not st:
        return "-"
    return "%s / %s / %s" % (num(st["p50"]), num(st["p90"]), num(st["min"]))


def num(v, unit=""):
    if v is None:
        return "-"
    if v >= 100:
        return "%.0f%s" % (v, unit)
    if v >= 10:
        return "%.1f%s" % (v, unit)
    return "%.2f%s" % (v, unit)


def ratio(a, b):
    if not a or not b:
        return "-"
    return "%.2fx" % (a["p50"] / b["p50"])


def yes(v):
    return "-" if v is None else ("yes" if v else "**NO**")


def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def markdown(res, s):
    m = res["meta"]
    mach = m.get("machine", {})
    loads = [x["load1"] for x in res.get("load", [])]
    fq = [x["foreign_qemus"] for x in res.get("load", [])]
    guests = m.get("guests", 10)
    L = []
    L.append("## QEMU driver: qemud vs libvirtd %s vs raw QEMU"
             % get(m, "versions", "libvirtd"))
    L.append("")
    if m.get("error"):
        L.append("**Incomplete run**: %s" % m["error"])
        L.append("")
    L.append("%s; %s CPUs (%s), %s MiB, kernel %s, %s; %s."
             % (m.get("date", ""), mach.get("cpus"), mach.get("cpu_model"),
                mach.get("mem_mib"), mach.get("kernel"),
                "TCG (no /dev/kvm)" if not mach.get("kvm") else "/dev/kvm present, guests TCG",
                get(m, "versions", "qemu")))
    la0, la1 = get(m, "load_start", "load1"), get(m, "load_end", "load1")
    L.append("Load (1-min average): %s at start, %s at end%s; other QEMU processes "
             "on the machine: %s at start%s. qemud %s.%s%s"
             % (la0, la1,
                ", %.1f mean over the repetitions" % (sum(loads) / len(loads)) if loads else "",
                get(m, "load_start", "foreign_qemus"),
                ", %.1f mean" % (sum(fq) / len(fq)) if fq else "",
                m.get("qemud_git", ""),
                " Start/destroy: %d repetitions (+%d warm-up)." % (m.get("reps", 0), m.get("warmup", 0))
                if res.get("start") else "",
                " Restart: %d round(s) per daemon with %d guests." % (m.get("restart_rounds", 0), guests)
                if res.get("restart") else ""))
    L.append("")
    L.append("**Time in ms, p50 / p90 / min** (client call to return; "
             "qemud/raw and qemud/libvirtd compare p50s)")
    L.append("")
    L.append("| figure | qemud | libvirtd | raw QEMU floor | qemud/raw | qemud/libvirtd | target | met |")
    L.append("|---|---|---|---|---|---|---|---|")
    raw = get(s, "start", "raw", "raw", "ms")
    tg = {t["figure"]: t for t in s["targets"]}
    for mode, label in (("create", "start, createXML"), ("define", "start, define + create")):
        q = get(s, "start", "qemud", mode, "ms")
        lv = get(s, "start", "libvirtd", mode, "ms")
        t = tg[label]
        L.append("| %s to running | %s | %s | %s | %s | %s | <= %.1fx raw | %s |"
                 % (label, cell(q), cell(lv), cell(raw), ratio(q, raw), ratio(q, lv),
                    START_VS_FLOOR, yes(t["met"])))
    q = get(s, "destroy", "qemud", "ms")
    lv = get(s, "destroy", "libvirtd", "ms")
    rawd = get(s, "destroy", "raw", "ms")
    L.append("| destroy, running guest | %s | %s | %s (SIGTERM to exit) | %s | %s | <= %.0f ms | %s |"
             % (cell(q), cell(lv), cell(rawd), ratio(q, rawd), ratio(q, lv), DESTROY_MS,
                yes(tg["destroy"]["met"])))
    q = get(s, "restart", "qemud", "ms")
    lv = get(s, "restart", "libvirtd", "ms")
    L.append("| restart with %d running: exec to all %d listed running | %s | %s | - | - | %s | <= %.0f ms | %s |"
             % (guests, guests, cell(q), cell(lv), ratio(q, lv), RESTART_MS,
                yes(tg["restart, %d guests" % guests]["met"])))
    L.append("")
    L.append("**Daemon CPU, ms per operation** (utime + stime of the daemon process, "
             "all threads, from /proc/PID/stat; %d ms ticks, averaged over the repetitions)"
             % (1000 // m.get("clk_tck", 100)))
    L.append("")
    L.append("| operation | qemud | libvirtd | libvirtd/qemud | children reaped, qemud / libvirtd |")
    L.append("|---|---|---|---|---|")
    rows = [("start, createXML", ("start", "qemud", "create"), ("start", "libvirtd", "create")),
            ("start, define + create", ("start", "qemud", "define"),
             ("start", "libvirtd", "define")),
            ("destroy", ("destroy", "qemud"), ("destroy", "libvirtd")),
            ("restart: exec until all %d listed" % guests, ("restart", "qemud"),
             ("restart", "libvirtd"))]
    for label, qk, lk in rows:
        a, b = get(s, *qk, "cpu_ms"), get(s, *lk, "cpu_ms")
        # destroy: the reaped child is the guest's QEMU itself, not shown
        ch = "-" if label == "destroy" else "%s / %s" % (
            num(get(s, *qk, "child_cpu_ms")), num(get(s, *lk, "child_cpu_ms")))
        L.append("| %s | %s | %s | %s | %s |" % (label, num(a), num(b),
                                                "%.1fx" % (b / a) if a and b else "-", ch))
    L.append("")
    L.append("Children reaped: CPU of the daemon's child processes that ended in the "
             "interval (cutime + cstime): libvirtd's intermediate fork and helpers at a "
             "start, qemud's QEMU capability probe at a restart.")
    L.append("")
    L.append("**Where the time goes** (p50s, ms)")
    L.append("")
    ph = get(s, "start", "raw", "raw", "phases_p50") or {}
    if ph:
        L.append("- raw floor: posix_spawn %s, until QEMU listens on QMP %s "
                 "(%d connect retries at 1 ms), greeting %s, qmp_capabilities %s, cont %s"
                 % (num(ph["spawn_ms"]), num(ph["connect_ms"]), ph["connect_retries"],
                    num(ph["greeting_ms"]), num(ph["caps_ms"]), num(ph["cont_ms"])))
    for who in ("qemud", "libvirtd"):
        d = get(s, "start", who, "define", "define_ms")
        if d:
            L.append("- %s defineXML alone (within define + create): %s" % (who, num(d["p50"])))
    r = get(s, "restart", "qemud")
    if r:
        L.append("- qemud restart: socket there after %s, first open returned after %s "
                 "(opens wait for the reconnection); its log: \"QEMU driver ready in\" %s, "
                 "of which the QEMU probe %s; the same QEMU processes re-adopted: %s"
                 % (num(get(r, "socket_ms", "p50")), num(get(r, "open_ms", "p50")),
                    num(get(r, "driver_ready_ms", "p50")), num(get(r, "probe_ms", "p50")),
                    "yes" if r["same_qemus"] else "NO"))
    r = get(s, "restart", "libvirtd")
    if r:
        L.append("- libvirtd restart: socket there after %s, first open returned after %s; "
                 "the same QEMU processes: %s"
                 % (num(get(r, "socket_ms", "p50")), num(get(r, "open_ms", "p50")),
                    "yes" if r["same_qemus"] else "NO"))
    for who, runs in res.get("restart", {}).items():
        lost = sum(len(x.get("lost_after", [])) for x in runs)
        if lost:
            L.append("- %s: %d guest(s) listed running after a restart were gone or not "
                     "running 1 s later (reconnection failed after the list)" % (who, lost))
    k = get(s, "destroy", "raw-kill", "ms")
    if k:
        L.append("- raw QEMU destroyed by SIGKILL instead: %s to exit (p50 / p90 / min)"
                 % cell(k))
    for who in ("qemud", "libvirtd"):
        d = get(s, "destroy", who)
        if d:
            L.append("- %s destroy: QEMU gone (not even a zombie) when the call returned "
                     "in %d of %d" % (who, d["qemu_gone_at_return"], d["n"]))
    L.append("")
    L.append("Targets: " + "; ".join(
        "%s: %s (%s) %s" % (t["figure"], t["text"],
                            "-" if t["value"] is None else
                            ("%.2fx" % t["value"] if "raw" in t["text"] else "%.0f ms" % t["value"]),
                            "met" if t["met"] else ("MISSED" if t["met"] is False else "not measured"))
        for t in s["targets"]) + ".")
    L.append("")
    return "\n".join(L)


def main():
    args = sys.argv[1:]
    md_out = None
    if "--md" in args:
        i = args.index("--md")
        md_out = args[i + 1]
        del args[i:i + 2]
    path = args[0] if args else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "results", "qemu-latest.json")
    with open(path) as f:
        res = json.load(f)
    text = markdown(res, summarize(res))
    print(text)
    if md_out:
        with open(md_out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
