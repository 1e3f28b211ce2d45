#!/usr/bin/python3
"""Turn bench/run.sh's JSON lines into the qemud/libvirtd table.

usage: report.py META.json RESULTS.jsonl [--json OUT.json] [--md OUT.md]

Prints a plain-text table; --md writes the same as Markdown, --json the
summary plus every raw result. Standard library only.
"""
import argparse
import json

# Issue 3's targets: qemud/libvirtd throughput ratio per figure.
THROUGHPUT_TARGETS = {
    "wire/get-version": 4.0,
    "wire/list-all": 4.0,
    "lib/get-version": 2.5,
    "lib/lookup-info": 2.5,
    "lib/list-all": 2.5,
    "lib/get-xml": 2.5,
    "lib/define-undefine": 2.5,
    "lib/open-close": 3.0,
}
# ... and for the 64-listener event fan-out, deliveries per second
CASE_TARGETS = {"events/lifecycle/64": 4.0}
CPU_TARGET = 6.0            # libvirtd CPU per call / qemud CPU per call
IDLE_TARGET_N = 10000
IDLE_TARGETS = {"handshake_s": 2.0, "rss_per_conn_bytes": 2048,
                "held_p50_ms": 0.5}


def load(meta_path, results_path):
    with open(meta_path) as f:
        meta = json.load(f)
    results = []
    with open(results_path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    results.append(json.loads(line))
                except ValueError:
                    pass
    return meta, results


def pick(runs):
    """The median run by throughput (all rounds of one case and daemon)."""
    ok = [r for r in runs if r.get("status") == "ok"]
    if not ok:
        return runs[-1]
    ok.sort(key=lambda r: r.get("ops_per_s") or 0)
    return ok[(len(ok) - 1) // 2]


def family(case):
    return "/".join(case.split("/")[:2])


def ms(lat, key):
    if not lat:
        return None
    return lat[key] / 1000.0


def summarize(results):
    cases, order = {}, []
    for r in results:
        c = r.get("case")
        if not c:
            continue
        if c not in cases:
            cases[c] = {}
            order.append(c)
        cases[c].setdefault(r.get("daemon", "?"), []).append(r)
    rows, idle = [], []
    for c in order:
        q = pick(cases[c].get("qemud", [{}]))
        lv = pick(cases[c].get("libvirtd", [{}]))
        if c.startswith("idle/"):
            idle.append(idle_row(c, q, lv))
            continue
        row = {"case": c, "qemud": q, "libvirtd": lv}
        qo, lo = q.get("ops_per_s"), lv.get("ops_per_s")
        qok, lok = q.get("status") == "ok", lv.get("status") == "ok"
        row["ratio"] = qo / lo if qok and lok and lo else None
        tgt = THROUGHPUT_TARGETS.get(family(c)) or CASE_TARGETS.get(c)
        row["target"] = tgt
        row["met"] = (row["ratio"] >= tgt) if tgt and row["ratio"] else None
        qc, lc = q.get("daemon_cpu_us_per_call"), lv.get("daemon_cpu_us_per_call")
        row["cpu_ratio"] = lc / qc if qok and lok and qc and lc else None
        row["cpu_target"] = CPU_TARGET if not c.startswith("events/") else None
        row["cpu_met"] = (row["cpu_ratio"] >= CPU_TARGET) \
            if row["cpu_target"] and row["cpu_ratio"] else None
        rows.append(row)
    return rows, idle


def idle_row(case, q, lv):
    n = int(case.split("/")[1])
    row = {"case": case, "n": n, "qemud": q, "libvirtd": lv, "targets": {}}
    if n == IDLE_TARGET_N and q.get("status"):
        held = ms(q.get("held_lat"), "p50_us")
        complete = q.get("handshaken") == n
        row["targets"] = {
            "handshake_s": (q.get("handshake_s"), IDLE_TARGETS["handshake_s"],
                            complete and q.get("handshake_s", 1e9)
                            <= IDLE_TARGETS["handshake_s"]),
            "rss_per_conn_bytes": (q.get("rss_per_conn_bytes"),
                                   IDLE_TARGETS["rss_per_conn_bytes"],
                                   complete and q.get("rss_per_conn_bytes", 1e9)
                                   <= IDLE_TARGETS["rss_per_conn_bytes"]),
            "held_p50_ms": (held, IDLE_TARGETS["held_p50_ms"],
                            held is not None
                            and held <= IDLE_TARGETS["held_p50_ms"]),
        }
    return row


def f(v, fmt="{:.0f}"):
    if v is None:
        return "-"
    return fmt.format(v)


def lat3(r):
    lat = r.get("lat")
    if not lat:
        return "-"
    return "{:.2f}/{:.2f}/{:.2f}".format(lat["p50_us"] / 1e3,
                                         lat["p99_us"] / 1e3,
                                         lat["p999_us"] / 1e3)


def ops_cell(r):
    st = r.get("status")
    if st == "unsupported":
        return "unsupported"
    if st != "ok":
        return st or "-"
    return f(r.get("ops_per_s"))


def yes(v):
    return "-" if v is None else ("yes" if v else "NO")


def note(x, n, nofile):
    """Why an idle run fell short, shortened for the table."""
    parts = []
    if nofile and n > nofile and x.get("status") not in (None, "ok"):
        parts.append("fd limit {}".format(nofile))
    if x.get("status") not in (None, "ok"):
        parts.append(x.get("error_text") or "")
        if x.get("new_errors"):
            parts.append("new conns: " + (x.get("new_error_text") or "failed"))
    text = "; ".join(p for p in parts if p)
    return text[:70] if text else ""


def figure_name(case):
    parts = case.split("/")
    if parts[0] == "events":
        return "events fan-out x{} (deliveries/s)".format(parts[2])
    return "{} {} {}".format(parts[0], parts[1], parts[2])


def tables(rows, idle, nofile=None):
    """Returns [(title, header, rows)] for text and Markdown."""
    t1 = []
    for r in rows:
        q, lv = r["qemud"], r["libvirtd"]
        t1.append([figure_name(r["case"]), ops_cell(q), ops_cell(lv),
                   f(r["ratio"], "{:.2f}x"),
                   f(r["target"], ">={:g}x"), yes(r["met"]),
                   lat3(q), lat3(lv)])
    t2 = []
    for r in rows:
        q, lv = r["qemud"], r["libvirtd"]
        t2.append([figure_name(r["case"]),
                   f(q.get("daemon_cpu_us_per_call"), "{:.1f}"),
                   f(lv.get("daemon_cpu_us_per_call"), "{:.1f}"),
                   f(r["cpu_ratio"], "{:.2f}x"),
                   f(r["cpu_target"], ">={:g}x"), yes(r["cpu_met"]),
                   "{}/{}".format(f(q.get("daemon_ctxsw_per_call"), "{:.1f}"),
                                  f(lv.get("daemon_ctxsw_per_call"), "{:.1f}")),
                   "{}/{}".format(f(q.get("client_cpu_us_per_call"), "{:.0f}"),
                                  f(lv.get("client_cpu_us_per_call"), "{:.0f}")),
                   f(q.get("daemon_rss_kb"), "{:.0f}"),
                   f(lv.get("daemon_rss_kb"), "{:.0f}")])
    t3 = []
    for r in idle:
        for d in ("qemud", "libvirtd"):
            x = r[d]
            reached = "{}/{}".format(x.get("handshaken", "-"), r["n"])
            t3.append([f(r["n"], "{:,}"), d, reached, x.get("status", "-"),
                       f(x.get("handshake_s"), "{:.2f}"),
                       f(x.get("rss_per_conn_bytes"), "{:.0f}"),
                       f(x.get("daemon_cpu_us_per_conn"), "{:.0f}"),
                       "{}/{}".format(f(ms(x.get("held_lat"), "p50_us"), "{:.3f}"),
                                      f(ms(x.get("held_lat"), "p99_us"), "{:.3f}")),
                       "{}/{}".format(f(ms(x.get("new_lat"), "p50_us"), "{:.3f}"),
                                      f(ms(x.get("new_lat"), "p99_us"), "{:.3f}")),
                       note(x, r["n"], nofile)])
    out = [
        ("Throughput (ops/s) and client-side latency p50/p99/p99.9 (ms)",
         ["figure", "qemud", "libvirtd", "ratio", "target", "met",
          "qemud lat", "libvirtd lat"], t1),
        ("Cost per call: daemon CPU (utime+stime) in us, daemon context "
         "switches and client CPU (us) qemud/libvirtd; daemon RSS at the end "
         "in KiB",
         ["figure", "qemud us", "libvirtd us", "libvirtd/qemud", "target",
          "met", "ctxsw q/l", "client us q/l", "qemud RSS", "libvirtd RSS"],
         t2),
        ("Idle connections (fresh daemons): handshake, RSS and CPU per "
         "connection, get-version latency p50/p99 (ms) on a held and on a new "
         "connection",
         ["N", "daemon", "handshaken", "status", "time s", "RSS B/conn",
          "CPU us/conn", "held p50/p99", "new p50/p99", "note"], t3),
    ]
    checks = []
    for r in idle:
        for k, (v, tgt, met) in r["targets"].items():
            checks.append([f(r["n"], "{:,}"), k,
                           f(v, "{:.3f}") if v is not None else "-",
                           "<={:g}".format(tgt), yes(met)])
    if checks:
        out.append(("Idle targets (qemud)",
                    ["N", "figure", "qemud", "target", "met"], checks))
    return out


def text_table(title, header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)] \
        if rows else [len(h) for h in header]
    lines = [title]
    fmt = "  ".join("{:<%d}" % w if i == 0 else "{:>%d}" % w
                    for i, w in enumerate(widths))
    lines.append(fmt.format(*header))
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append(fmt.format(*r))
    return "\n".join(lines)


def md_table(title, header, rows):
    lines = ["**" + title + "**", "",
             "| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:"
                            for i in range(len(header))) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(x) for x in r) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("meta")
    ap.add_argument("results")
    ap.add_argument("--json")
    ap.add_argument("--md")
    a = ap.parse_args()
    meta, results = load(a.meta, a.results)
    incidents = [r for r in results if "event" in r]
    results = [r for r in results if "event" not in r]
    rows, idle = summarize(results)
    tabs = tables(rows, idle, meta.get("nofile"))
    met = [r["met"] for r in rows if r["met"] is not None] + \
          [r["cpu_met"] for r in rows if r["cpu_met"] is not None] + \
          [t[2] for r in idle for t in r["targets"].values()]
    loads = [r["load1"] for r in results if isinstance(r.get("load1"),
                                                        (int, float))]
    lrange = "{:.1f}-{:.1f}".format(min(loads), max(loads)) if loads else "?"
    head = ("qemud vs libvirtd {libvirtd}, {cpus} CPUs, load average {l0} "
            "-> {l1} (1-min value after each figure {lr}; it counts the "
            "bench's own client threads), {s} s windows x {r} round(s); "
            "daemons {sess}; targets met: {m}/{n}").format(lr=lrange,
                sess="each in its own session (--own-session)"
                if meta.get("own_session") else "in the bench's session",
                libvirtd=meta.get("libvirtd"), cpus=meta.get("host_cpus"),
                l0=meta.get("loadavg_start"), l1=meta.get("loadavg_end"),
                s=meta.get("seconds"), r=meta.get("rounds"),
                m=sum(1 for x in met if x), n=len(met))
    print()
    print(head)
    for t in tabs:
        print()
        print(text_table(*t))
    for x in incidents:
        print("note: {} {}: {}".format(x.get("daemon"), x.get("case"),
                                       x.get("event")))
    if a.md:
        with open(a.md, "w") as fp:
            fp.write(head + "\n\n" + "\n\n".join(md_table(*t) for t in tabs)
                     + "\n")
    if a.json:
        with open(a.json, "w") as fp:
            json.dump({"meta": meta, "targets_met": sum(1 for x in met if x),
                       "targets_total": len(met),
                       "figures": [{k: v for k, v in r.items()}
                                   for r in rows],
                       "idle": idle, "incidents": incidents,
                       "results": results}, fp, indent=1)
            fp.write("\n")


if __name__ == "__main__":
    main()
