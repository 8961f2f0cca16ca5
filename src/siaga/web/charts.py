"""Charts as SVG text: the same figure goes into the page and into the PDF."""

import functools
import io


@functools.cache
def pyplot():
    """matplotlib, loaded on the first chart: it costs seconds at start-up that most requests,
    the worker and every management command would otherwise pay."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, crisp, small
    matplotlib.rcParams["font.family"] = "DejaVu Sans"
    matplotlib.rcParams["svg.hashsalt"] = "siaga"  # stable ids, so equal charts are equal bytes
    import matplotlib.pyplot as plt

    return plt


def svg_of(fig) -> str:
    """The figure as inline SVG (no XML prolog), and the figure closed."""
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    pyplot().close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]


def thousands(value: float, _pos=None) -> str:
    """Indonesian grouping: 81100 -> '81.100'."""
    return f"{value:,.0f}".replace(",", ".")


def bar_chart_svg(labels: list[str], series: dict[str, list[float]], *, title: str,
                  xlabel: str) -> str:
    """Horizontal grouped bars, one group per label (top to bottom in the given order)."""
    plt = pyplot()
    from matplotlib.ticker import FuncFormatter

    height = 1.2 + 0.38 * max(len(labels), 1) * max(len(series), 1) ** 0.5
    fig, ax = plt.subplots(figsize=(7.5, height), layout="constrained")
    bar = 0.8 / max(len(series), 1)
    colors = ["#1f5f8b", "#e08a2c", "#4c9a5a", "#9c3d54"]
    positions = range(len(labels))
    for k, (name, values) in enumerate(series.items()):
        offsets = [p + (k - (len(series) - 1) / 2) * bar for p in positions]
        bars = ax.barh(offsets, values, height=bar, label=name, color=colors[k % len(colors)])
        ax.bar_label(bars, labels=[thousands(v) if v else "" for v in values], padding=3, fontsize=8)
    ax.set_yticks(list(positions), labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(thousands))
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.15)
    if len(series) > 1:
        ax.legend(loc="lower right", frameon=False)
    return svg_of(fig)


def clock_label(hours: float, _pos=None) -> str:
    """Polling-day clock for an axis: 25.5 -> '01.30'."""
    minutes = int(round(hours * 60)) % (24 * 60)
    return f"{minutes // 60:02d}.{minutes % 60:02d}"


def finish_times_svg(groups: list[tuple[str, list[float]]], *, title: str, xlabel: str,
                     marks: list[tuple[float, str]]) -> str:
    """One horizontal box per group (finish times in polling-day hours) with marked deadlines."""
    plt = pyplot()
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.42 * max(len(groups), 1)), layout="constrained")
    ax.boxplot([values for _, values in groups], orientation="horizontal", widths=0.6,
               patch_artist=True, boxprops={"facecolor": "#dfe8ef", "color": "#1f5f8b"},
               medianprops={"color": "#1f5f8b", "linewidth": 2}, flierprops={"markersize": 3})
    ax.set_yticks(range(1, len(groups) + 1), [name for name, _ in groups])
    ax.invert_yaxis()
    for hours, label in marks:
        ax.axvline(hours, color="#b3261e", linestyle="--", linewidth=1)
        ax.text(hours, len(groups) + 0.5, f" {label}", color="#b3261e", fontsize=8, va="bottom")
    ax.xaxis.set_major_formatter(FuncFormatter(clock_label))
    ax.xaxis.set_major_locator(MultipleLocator(2))
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return svg_of(fig)
