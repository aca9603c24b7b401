"""Plot helpers shared by the notebooks: the Agg backend, one style, PNG output, plain log-axis labels."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: figures are written as PNG, then shown from the file

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

plt.rcParams.update({
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 9,
    "axes.titlesize": 10,
    "figure.titlesize": 11,
})


def saver(figures_dir: str | Path):
    """Returns `save(fig, name)`: writes the figure as `figures_dir/name` (PNG), closes it and shows that file."""
    directory = Path(figures_dir)
    directory.mkdir(parents=True, exist_ok=True)

    def save(fig, name: str) -> Path:
        from IPython.display import Image, display

        path = directory / name
        # No "Software" entry: the same data gives the same bytes whatever matplotlib version wrote them.
        fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        display(Image(filename=str(path)))
        return path

    return save


def plain_log_axis(axis) -> None:
    """A log-scale axis labelled 10, 15, 20, 30, 50, 70, 100 … instead of powers of ten."""
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 1.5, 2.0, 3.0, 5.0, 7.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())
