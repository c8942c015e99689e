"""Render the desktop icon's PNG sizes from its SVG (the SVG is the source; re-run after editing).

The freedesktop icon theme spec asks for at least a 48x48 PNG in hicolor; 256 serves docks and
"Open with" dialogs that scale down. Usage: ``.venv/bin/python scripts/render_icon.py``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from companion.desktop import ICON_SIZES, icon_png_name

HERE = Path(__file__).resolve().parents[1] / "companion" / "desktop"


def render(svg: Path, size: int, out: Path) -> None:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    if not image.save(str(out)):
        raise SystemExit(f"could not write {out}")


def main() -> None:
    _app = QGuiApplication(["render_icon", "-platform", "offscreen"])  # painting needs one
    for size in ICON_SIZES:
        render(HERE / "companion.svg", size, HERE / icon_png_name(size))
        print(HERE / icon_png_name(size))


if __name__ == "__main__":
    main()
