"""The printed table: one line per figure, Parley next to the floor where there is one."""


def ratio(mine, floor):
    """Parley's best deliveries/s over the floor's, measured in the same run."""
    if mine.get("status") != "ok" or floor.get("status") != "ok":
        return None
    if not floor.get("max_deliveries_per_s"):
        return None
    return round(mine["max_deliveries_per_s"] / floor["max_deliveries_per_s"], 2)


def ratios_by_rate(mine, floor):
    """{rate: Parley's deliveries/s over the floor's} for each rate both were sent at."""
    if mine.get("status") != "ok" or floor.get("status") != "ok":
        return {}
    theirs = {s["rate"]: s["deliveries_per_s"] for s in floor["steps"]}
    return {s["rate"]: round(s["deliveries_per_s"] / theirs[s["rate"]], 2)
            for s in mine["steps"] if theirs.get(s["rate"])}


def _na(item):
    return f"{item.get('status')}: {item.get('reason', '')}"


def _second_burst(second):
    """The idle figure's second burst of as many sockets (results before it had none)."""
    if not second:
        return ""
    return (f"; a second burst: {second['rss_after_mb']} -> {second['rss_after_disconnect_mb']}"
            f" MB after ({second['grew_percent']:+g}% of after the first)")


def _fmt(value, unit=""):
    if value is None:
        return "-"
    return f"{value:g}{unit}" if isinstance(value, (int, float)) else str(value)


def table(results):
    rows = [("workload", "figure", "value")]
    work = results["workloads"]
    cold = work.get("cold_start")
    if cold:
        rows.append(("cold start", "embedded default, median s", _fmt(cold["embedded_median"])))
        rows.append(("cold start", "external Mongo/Redis, s", _fmt(round(cold["external_seconds"],
                                                                        2))))
    for name, item in (work.get("rest_reads") or {}).items():
        if name == "status":
            continue
        if not isinstance(item, dict):  # database_settled_seconds
            rows.append(("REST " + name, "s", _fmt(item)))
            continue
        if item.get("status") == "n/a":
            rows.append(("REST " + name, "", _na(item)))
            continue
        for conc, figures in item.items():
            floor = (f", floor {figures['floor_rps']:g} req/s, ratio {_fmt(figures['ratio'])}"
                     if "floor_rps" in figures else "")
            if figures.get("cpu_ms_per_request") is not None:
                floor += f"; server CPU {figures['cpu_ms_per_request']} ms/req"
                if figures.get("floor_cpu_ms_per_request") is not None:
                    floor += f" (floor {figures['floor_cpu_ms_per_request']})"
            if figures.get("db_cpu_percent") is not None:
                floor += f"; database CPU {figures['db_cpu_percent']}%"
            rows.append((f"REST {name}", f"{conc}: req/s, p50/p99 ms",
                         f"{figures['rps']:g}, {_fmt(figures['p50_ms'])}/"
                         f"{_fmt(figures['p99_ms'])}, errors {figures['errors']}{floor}"))
    for count, pair in (work.get("idle") or {}).items():
        for who in ("parley", "baseline"):
            item = pair[who]
            value = (f"{_fmt(item['kb_per_socket'])} KB/socket ({item['connected']} connected, "
                     f"ramp {item['ramp_seconds']}s); RSS {item['rss_before_mb']} -> "
                     f"{item['rss_after_mb']} -> {item.get('rss_after_disconnect_mb')} MB after "
                     f"disconnect (+{item.get('kept_after_disconnect_percent')}%)"
                     f"{_second_burst(item.get('second_burst'))}"
                     if item.get("status") == "ok" else _na(item))
            rows.append((f"idle {count}", who, value))
    for count, triple in (work.get("fan_out") or {}).items():
        for who in ("baseline", "parley"):
            item = triple[who]
            if item.get("status") != "ok":
                rows.append((f"fan-out {count}", who, _na(item)))
                continue
            best = max(item["steps"], key=lambda s: s["deliveries_per_s"], default=None)
            detail = (f", at {best['rate']}/s: p50/p99 {_fmt(best['p50_ms'])}/"
                      f"{_fmt(best['p99_ms'])} ms, lost {best['lost']}, "
                      f"cpu {best['server_cpu_percent']}%, rss {best['server_rss_mb']} MB"
                      if best else "")
            rows.append((f"fan-out {count}", who,
                         f"{item['max_deliveries_per_s']:g} deliveries/s; max rate p99<100ms: "
                         f"{_fmt(item['max_rate_p99_under_100ms'])}/s{detail}"))
        rows.append((f"fan-out {count}", "ratio parley/floor", _fmt(triple["ratio"])))
        by_rate = ratios_by_rate(triple["parley"], triple["baseline"])
        if by_rate:
            rows.append((f"fan-out {count}", "ratio at each rate",
                         ", ".join(f"{rate}/s: {value:g}" for rate, value in by_rate.items())))
        for step in (triple["parley"].get("steps") or []):
            if "send_p50_ms" in step:
                rows.append((f"fan-out {count}", f"parley at {step['rate']}/s",
                             f"p50/p99 {_fmt(step['p50_ms'])}/{_fmt(step['p99_ms'])} ms "
                             f"(the send POST: {_fmt(step['send_p50_ms'])}/"
                             f"{_fmt(step['send_p99_ms'])}), lost {step['lost']}, "
                             f"cpu {step['server_cpu_percent']}%"))
    send = work.get("send_path")
    if send:
        if send.get("status") == "ok":
            rest = send["rest"]
            rows.append(("send path", "REST", f"{rest['cpu_ms_per_message']} ms CPU/message, "
                                              f"{rest['per_second']}/s at concurrency 16"))
            rows.append(("send path", "socket", _na(send["socket"])))
        else:
            rows.append(("send path", "", _na(send)))
    rows += _write_rows(work.get("write_path"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(2)]
    lines = [f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}" for row in rows]
    lines.insert(1, "-" * min(120, max(len(line) for line in lines)))
    machine = results["machine"]
    header = (f"Parley bench ({'quick' if results['quick'] else 'full'}, "
              f"{results['async_mode']}, {machine['cpus']} CPUs, {results.get('seconds')} s)")
    return "\n".join([header] + lines)


def _write_rows(item):
    if not item:
        return []
    if item.get("status") != "ok":
        return [("write path", "", _na(item))]
    rows = []
    bulk = item.get("bulk") or {}
    for name in ("post_c1", "post_c16", "comment_c16", "post_c16_bulk", "comment_c16_bulk"):
        f = item[name]
        if name.endswith("_bulk"):
            name += f" (+{bulk.get('topics')} topics, {bulk.get('posts')} posts)"
        db = f"; database CPU {f['db_cpu_ms_per_request']} ms/write" \
            if f.get("db_cpu_ms_per_request") is not None else ""
        rows.append((f"write {name}", "req/s, p50/p99 ms",
                     f"{f['rps']:g}, {_fmt(f['p50_ms'])}/{_fmt(f['p99_ms'])}, errors "
                     f"{f['errors']}; server CPU {f['cpu_ms_per_request']} ms/write{db}"))
    for name in ("posts_stored", "comments_stored", "comments_stored_bulk"):
        rows.append((f"write {name}", "created, lost", f"{item[name]['created']}, "
                                                       f"{item[name]['lost']}"))
    alone = item["db_alone"]
    rows.append(("write db_alone", "journaled inserts/s c1, c16",
                 f"{alone['c1']['per_second']:g}, {alone['c16']['per_second']:g}"))
    return rows
