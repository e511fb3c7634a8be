"""A small line chart as data for an inline SVG, drawn on the server."""


def line_chart(points, width=320, height=120, pad=24):
    """`points` is `[{date, count}]`; returns what templates/admin/_chart.html draws."""
    counts = [p["count"] for p in points] or [0]
    top = max(max(counts), 1)
    step = (width - 2 * pad) / max(len(counts) - 1, 1)

    def xy(i, n):
        return round(pad + i * step, 1), round(height - pad - (height - 2 * pad) * n / top, 1)

    coords = [xy(i, n) for i, n in enumerate(counts)]
    return {
        "width": width, "height": height, "pad": pad, "max": top,
        "total": sum(counts), "last": counts[-1],
        "polyline": " ".join(f"{x},{y}" for x, y in coords),
        "dots": [{"x": x, "y": y, "label": f"{p['date']}: {p['count']}"}
                 for (x, y), p in zip(coords, points)],
        "first_date": points[0]["date"] if points else "",
        "last_date": points[-1]["date"] if points else "",
    }
