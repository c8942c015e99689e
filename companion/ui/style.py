"""The window's look in one place: a dark theme (films are watched in the dark) and the colours that
carry meaning (origin of a timing, kind of a note), so the panel, timeline and lists agree."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from companion.timing.timecode import format_time

BACKGROUND = "#15171b"
SURFACE = "#1d2026"
CARD = "#252931"
BORDER = "#323741"
TEXT = "#e4e6eb"
MUTED = "#9aa1ac"
ACCENT = "#5b9dff"
PLAYHEAD = "#ff5252"

ORIGIN_COLOURS = {
    "estimated": "#8792a8",
    "anchored": "#36b5a5",
    "heard": "#9ad16b",
    "pinned": "#f0b429",
}
ORIGIN_HINTS = {
    "estimated": "estimated from the transcript's pace",
    "anchored": "anchored to the film's own dialogue",
    "heard": "heard on the commentary's own audio track",
    "pinned": "pinned by hand",
}
KIND_COLOURS = {"trivia": "#6ea8fe", "correction": "#f06b75"}
VERDICT_COLOURS = {"wrong": "#f06b75", "misleading": "#f39c4a", "correct": "#4cc38a"}
DIALOGUE = "#c9a7ff"
CUE = "#7f8794"


def colour(name: str) -> QColor:
    return QColor(name)


def origin_colour(origin: str) -> QColor:
    return QColor(ORIGIN_COLOURS.get(origin, MUTED))


def kind_colour(kind: str) -> QColor:
    return QColor(KIND_COLOURS.get(kind, MUTED))


def hms(seconds: float) -> str:
    """A player's clock: whole seconds are what a viewer reads and types."""
    return format_time(seconds, millis=False)


STYLESHEET = f"""
QMainWindow, QWidget#sidebar {{ background: {BACKGROUND}; }}
QWidget {{ color: {TEXT}; }}
QToolTip {{ background: {CARD}; color: {TEXT}; border: 1px solid {BORDER}; padding: 4px; }}
QMenuBar {{ background: {SURFACE}; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {BORDER}; }}
QMenu {{ background: {SURFACE}; border: 1px solid {BORDER}; }}
QStatusBar {{ background: {SURFACE}; color: {MUTED}; }}
QSplitter::handle {{ background: {BACKGROUND}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
QLineEdit {{
    background: {CARD}; border: 1px solid {BORDER}; border-radius: 6px; padding: 5px 8px;
    selection-background-color: {ACCENT};
}}
QLineEdit:focus {{ border-color: {ACCENT}; }}
QListWidget {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px; outline: none;
}}
QListWidget::item {{ padding: 4px 6px; border-bottom: 1px solid {BACKGROUND}; }}
QListWidget::item:selected {{ background: #2f3a4d; color: {TEXT}; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{
    background: transparent; color: {MUTED}; padding: 6px 14px; border: none;
    border-bottom: 2px solid transparent;
}}
QTabBar::tab:selected {{ color: {TEXT}; border-bottom: 2px solid {ACCENT}; }}
QToolButton {{
    background: transparent; border: none; border-radius: 6px; padding: 4px 6px;
    color: {TEXT}; font-weight: 600;
}}
QToolButton:hover {{ background: {CARD}; }}
QPushButton {{
    background: {CARD}; border: 1px solid {BORDER}; border-radius: 6px; padding: 3px 9px;
    min-width: 0;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:pressed {{ background: {BORDER}; }}
QToolButton:checked {{ background: {BORDER}; }}
QComboBox {{
    background: {CARD}; border: 1px solid {BORDER}; border-radius: 6px; padding: 3px 8px;
}}
QSlider::groove:horizontal {{ height: 4px; background: {BORDER}; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {ACCENT}; border-radius: 2px; }}
QSlider::handle:horizontal {{
    background: {TEXT}; width: 12px; height: 12px; margin: -4px 0; border-radius: 6px;
}}
QFrame#card {{ background: {CARD}; border: 1px solid {BORDER}; border-radius: 8px; }}
QFrame#transport {{ background: {SURFACE}; border-top: 1px solid {BORDER}; }}
QLabel#muted {{ color: {MUTED}; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion + a dark palette, so dialogs and our own widgets look alike on every desktop."""
    app.setStyle(QStyleFactory.create("Fusion"))
    palette = QPalette()
    for role, value in (
        (QPalette.ColorRole.Window, BACKGROUND),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, SURFACE),
        (QPalette.ColorRole.AlternateBase, CARD),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.Button, CARD),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Highlight, ACCENT),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, CARD),
        (QPalette.ColorRole.ToolTipText, TEXT),
        (QPalette.ColorRole.PlaceholderText, MUTED),
    ):
        palette.setColor(role, QColor(value))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
